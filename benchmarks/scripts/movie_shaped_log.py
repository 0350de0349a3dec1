"""A MovieLens-shaped synthetic log for timing `personalize train` (not for quality: its taste is planted low-rank).

usage: python3 movie_shaped_log.py USERS ITEMS ROWS SEED OUT.csv
e.g.   python3 movie_shaped_log.py 3000 3600 490000 7 /tmp/ml1m.csv   (469,960 rows: 3,000 users, 3,600 items, like the 490k-rating set)

Users have power-law activity (at least 20 rows, at most half the catalogue), items power-law popularity, and each user picks items by
popularity times exp(taste), rank 8; ratings 1-5 follow the same taste plus noise. Columns: user_id,item_id,rating,timestamp. Standard
library only; about 12 s for 490k rows.
"""
import bisect
import itertools
import math
import random
import sys

users, items, rows, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
random.seed(seed)
k = 8
user_taste = [[random.gauss(0, 1) for _ in range(k)] for _ in range(users)]
item_taste = [[random.gauss(0, 1) for _ in range(k)] for _ in range(items)]
popularity = [1.0 / ((i + 1) ** 0.9) for i in range(items)]
activity = [1.0 / ((u + 1) ** 0.6) for u in range(users)]
total = sum(activity)
counts = [max(20, int(rows * a / total)) for a in activity]
scale = rows / sum(counts)
counts = [min(items // 2, max(20, int(c * scale))) for c in counts]
with open(out, "w") as f:
    f.write("user_id,item_id,rating,timestamp\n")
    for u in range(users):
        weights = [popularity[i] * math.exp(0.6 * sum(a * b for a, b in zip(user_taste[u], item_taste[i]))) for i in range(items)]
        cumulative = list(itertools.accumulate(weights))
        chosen = set()
        while len(chosen) < counts[u]:
            chosen.add(min(bisect.bisect_left(cumulative, random.random() * cumulative[-1]), items - 1))
        for i in chosen:
            s = sum(a * b for a, b in zip(user_taste[u], item_taste[i])) / math.sqrt(k)
            rating = min(5, max(1, round(3.6 + 0.9 * s + random.gauss(0, 0.9))))
            f.write(f"{u + 1},{i + 1},{rating},{956703932 + random.randint(0, 30000000)}\n")
