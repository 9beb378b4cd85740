// Loaded by mocha before every test file (.mocharc.json).
// AWS SDK v3 warns once per process on Node < 22; the tests run on Node 20 by design.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
