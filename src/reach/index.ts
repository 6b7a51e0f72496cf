export * from './evaluate';
export * from './environment';
export * from './probes';
