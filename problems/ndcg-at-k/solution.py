import math


def _dcg(labels, k):
    return sum((2 ** label - 1) / math.log2(rank + 1) for rank, label in enumerate(labels[:k], start=1))


def ndcg_at_k(rows, k=10, query_keys=("user_id", "search_session_id"), score_key="score", label_key="label"):
    if k <= 0:
        raise ValueError("k must be a positive integer")
    queries = {}
    for row in rows:
        key = tuple(row[name] for name in query_keys)
        queries.setdefault(key, []).append((float(row[score_key]), row[label_key]))
    if not queries:
        return 0.0
    total = 0.0
    for candidates in queries.values():
        # sorted() is stable, so equal scores keep their logged order.
        ranked = [label for _, label in sorted(candidates, key=lambda c: c[0], reverse=True)]
        ideal = _dcg(sorted(ranked, reverse=True), k)
        total += 0.0 if ideal == 0 else _dcg(ranked, k) / ideal
    return total / len(queries)


if __name__ == "__main__":
    rows = [
        {"user_id": 1, "search_session_id": "a", "score": 0.9, "label": 0},
        {"user_id": 1, "search_session_id": "a", "score": 0.4, "label": 2},
        {"user_id": 2, "search_session_id": "b", "score": 0.7, "label": 3},
    ]
    print(ndcg_at_k(rows, k=2))
