// The dataset a free SQL run sees when no problem is selected: a small ads log in the shape
// ML-engineer SQL questions use (impressions, and clicks that point at them).
const IMPRESSIONS: [number, number, number, number, string][] = [
  // impression_id, user_id, ad_id, store_id, occurred_at
  [1, 101, 11, 1, '2024-05-01 08:00:00'],
  [2, 102, 12, 1, '2024-05-01 09:30:00'],
  [3, 103, 11, 2, '2024-05-01 10:15:00'],
  [4, 101, 13, 2, '2024-05-01 23:50:00'],
  [5, 104, 12, 1, '2024-05-02 07:05:00'],
  [6, 105, 14, 3, '2024-05-02 12:00:00'],
  [7, 102, 11, 1, '2024-05-02 18:45:00'],
  [8, 106, 15, 3, '2024-05-03 09:00:00'],
];

const CLICKS: [number, number, number, string][] = [
  // click_id, impression_id, user_id, occurred_at
  [1001, 1, 101, '2024-05-01 08:00:30'],
  [1002, 1, 101, '2024-05-01 08:02:00'],
  [1003, 3, 103, '2024-05-02 10:15:00'],
  [1004, 4, 101, '2024-05-02 00:10:00'],
  [1005, 6, 105, '2024-05-02 11:59:00'],
  [1006, 7, 102, '2024-05-02 19:00:00'],
];

const values = (rows: (string | number)[][]) =>
  rows.map((row) => `(${row.map((v) => (typeof v === 'number' ? v : `'${v}'`)).join(', ')})`).join(',\n  ');

export const DEFAULT_SQL_DATASET = `
CREATE TABLE ad_impressions (
  impression_id bigint PRIMARY KEY,
  user_id bigint NOT NULL,
  ad_id bigint NOT NULL,
  store_id bigint NOT NULL,
  occurred_at timestamp NOT NULL
);
CREATE TABLE ad_clicks (
  click_id bigint PRIMARY KEY,
  impression_id bigint NOT NULL,
  user_id bigint NOT NULL,
  occurred_at timestamp NOT NULL
);
INSERT INTO ad_impressions VALUES
  ${values(IMPRESSIONS)};
INSERT INTO ad_clicks VALUES
  ${values(CLICKS)};
`;
