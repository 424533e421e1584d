from bisect import bisect_right


def calibrate_isotonic(p, y, q):
    if len(p) != len(y) or not p:
        raise ValueError("p and y must be non-empty and of equal length")
    # One starting block per distinct score: equal scores are pooled from the start.
    by_score = {}
    for score, label in zip(p, y):
        total, count = by_score.get(score, (0.0, 0))
        by_score[score] = (total + label, count + 1)
    # Each block: [lowest score, sum of labels, count]. Merge while the previous mean is larger.
    blocks = []
    for score in sorted(by_score):
        total, count = by_score[score]
        blocks.append([score, total, count])
        while len(blocks) > 1 and blocks[-2][1] * blocks[-1][2] > blocks[-1][1] * blocks[-2][2]:
            low, total, count = blocks.pop()
            blocks[-1][1] += total
            blocks[-1][2] += count
    lows = [block[0] for block in blocks]
    values = [block[1] / block[2] for block in blocks]
    return [values[max(bisect_right(lows, score) - 1, 0)] for score in q]


if __name__ == "__main__":
    print(calibrate_isotonic([0.1, 0.4, 0.35, 0.8], [0, 1, 0, 1], [0.1, 0.36, 0.5, 0.9]))
