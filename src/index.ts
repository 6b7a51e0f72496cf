export * from './tenant';
export * from './volume';
export * from './ray-group';
export * from './autoscaling';
export * from './network/options';
export * from './network/cluster-network-policy';
export * from './secure-tenant-ray-cluster';
export * from './policy';
