/**
 * One snapshot of the dev stack's template, to review every change to what would be deployed. Asset hashes are
 * masked by test/support/asset-hash-serializer.js, so code edits alone do not break it.
 */
import { buildStack } from './helpers';

describe('dev stack template', () => {
  it('matches the reviewed snapshot', () => {
    // Arrange
    const { template } = buildStack();

    // Act
    const json: unknown = template.toJSON();

    // Assert
    expect(json).toMatchSnapshot();
  });
});
