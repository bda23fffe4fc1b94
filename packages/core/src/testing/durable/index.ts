// Contract suites for the durable ports (owned by packages/db work).
export {};
