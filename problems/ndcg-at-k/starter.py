import math


def ndcg_at_k(rows, k=10, query_keys=("user_id", "search_session_id"), score_key="score", label_key="label"):
    """Mean NDCG@k over queries (see the statement for the exact rules)."""
    # Your code here
    raise NotImplementedError


if __name__ == "__main__":
    rows = [
        {"user_id": 1, "search_session_id": "a", "score": 0.9, "label": 0},
        {"user_id": 1, "search_session_id": "a", "score": 0.4, "label": 2},
        {"user_id": 2, "search_session_id": "b", "score": 0.7, "label": 3},
    ]
    print(ndcg_at_k(rows, k=2))
