// Shared contract suites: every storage implementation runs these (see packages/db and packages/cache).
export {};
