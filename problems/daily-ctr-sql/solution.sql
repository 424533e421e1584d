-- Roll up to one row per impression first (clicked or not), then aggregate per store and day.
WITH per_impression AS (
  SELECT i.store_id,
         i.occurred_at::date AS event_date,
         EXISTS (
           SELECT 1
           FROM ad_clicks c
           WHERE c.impression_id = i.impression_id
             AND c.occurred_at >= i.occurred_at
             AND c.occurred_at < i.occurred_at + INTERVAL '24 hours'
         ) AS clicked
  FROM ad_impressions i
)
SELECT store_id,
       event_date,
       COUNT(*) AS impressions,
       COUNT(*) FILTER (WHERE clicked) AS clicked_impressions,
       (COUNT(*) FILTER (WHERE clicked))::numeric / COUNT(*) AS ctr
FROM per_impression
GROUP BY store_id, event_date
ORDER BY event_date, store_id;
