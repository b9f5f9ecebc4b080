/**
 * Jest snapshot serializer that masks CDK asset hashes (64 hex characters), which change with every code edit.
 */
const HASH = /[0-9a-f]{64}/g;
module.exports = {
  test: (value) => typeof value === 'string' && /[0-9a-f]{64}/.test(value),
  serialize: (value) => JSON.stringify(value.replace(HASH, '[ASSET HASH]')),
};
