// No moduleNameMapper: this test must only ever see the packed tarballs, never the sources.
module.exports = {
  ...require('../../jest.preset.js'),
  testTimeout: 600000,
};
