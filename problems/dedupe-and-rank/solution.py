def dedupe_and_rank(candidates):
    """One pass keeps the best pCTR per ad (O(n)); sorting the k unique ads costs O(k log k)."""
    best = {}
    for ad_id, pctr in candidates:
        if ad_id not in best or pctr > best[ad_id]:
            best[ad_id] = pctr
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))


if __name__ == "__main__":
    print(dedupe_and_rank([(7, 0.12), (3, 0.30), (7, 0.25), (5, 0.30)]))
