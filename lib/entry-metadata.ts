/**
 * Metadata key on each function's CloudFormation resource naming its source entry (the local runtime reads it). A
 * module of its own so that readers of a synthesized template need not load aws-cdk-lib.
 */
export const ENTRY_METADATA_KEY = 'exec-assistant:entry';
