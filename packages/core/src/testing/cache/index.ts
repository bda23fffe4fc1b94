// Contract suites for the short-lived ports (owned by packages/cache work).
export {};
