// Sibling packages are read from their sources, so a test never runs against a stale build.
module.exports = {
  ...require('../../jest.preset.js'),
  moduleNameMapper: { '^@vaekit/([a-z]+)$': '<rootDir>/../$1/src' },
};
