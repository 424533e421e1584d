def calibrate_isotonic(p, y, q):
    """Fit isotonic calibration on (p, y) with pool-adjacent-violators and apply it to q."""
    # Your code here
    return [0.0 for _ in q]


if __name__ == "__main__":
    print(calibrate_isotonic([0.1, 0.4, 0.35, 0.8], [0, 1, 0, 1], [0.1, 0.36, 0.5, 0.9]))
