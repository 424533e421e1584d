def dedupe_and_rank(candidates):
    """Keep the highest pCTR per ad_id; sort by pCTR descending, then ad_id ascending.

    candidates: iterable of (ad_id, pctr) pairs.
    Returns a list of (ad_id, pctr) tuples.
    """
    # Your code here
    return []


if __name__ == "__main__":
    print(dedupe_and_rank([(7, 0.12), (3, 0.30), (7, 0.25), (5, 0.30)]))
