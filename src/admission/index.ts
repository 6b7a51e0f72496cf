export * from './kyverno-policy';
export * from './kyverno-test';
