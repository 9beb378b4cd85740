/**
 * Policy config: what `--policy-pack-config` (or `npm run policy -- --config`) sets for a rule, over the
 * rule's defaults. The engine applies the schema defaults itself; merging them here again keeps a rule
 * correct when it runs without any config (unit tests, an engine that sends none).
 */
export function readConfig<T extends object>(args: { getConfig<U extends object>(): U }, defaults: T): T {
  return { ...defaults, ...args.getConfig<Partial<T>>() };
}
