export * from './kyverno-policy';
export * from './kyverno-test';
export * from './tenant-admission';
