"""gensim 4.4 Word2Vec skip-gram throughput on the trainer benchmark's corpus.

Same settings as trainer-bench: skip-gram, negative sampling (k negatives per positive pair, unigram^0.75),
no sub-sampling, min_count 1, linear learning-rate decay from 0.025, shrinking (dynamic) windows.
Positive pairs are counted exactly in expectation: gensim draws each centre's effective window uniformly
from 1..window, as trainer-bench does; we report the expected pair count / training wall time.

usage: python gensim_bench.py CORPUS workers [dim] [window] [negatives] [epochs]
"""
import json
import sys
import time

import gensim
from gensim.models import Word2Vec


def expected_pairs(lengths, window):
    total = 0.0
    for n in lengths:
        for i in range(n):
            s = 0
            for w in range(1, window + 1):
                s += min(w, i) + min(w, n - 1 - i)
            total += s / window
    return total


def main():
    path = sys.argv[1]
    workers = int(sys.argv[2])
    dim = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    window = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    negatives = int(sys.argv[5]) if len(sys.argv) > 5 else 10
    epochs = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    with open(path) as f:
        sentences = [line.split() for line in f if line.strip()]
    lengths = [len(s) for s in sentences]
    pairs = expected_pairs(lengths, window) * epochs
    tokens = sum(lengths) * epochs
    common = dict(vector_size=dim, window=window, negative=negatives, sg=1, hs=0, min_count=1, sample=0,
                  alpha=0.025, min_alpha=0.0001, workers=workers, seed=1, ns_exponent=0.75)
    results = []
    for mode in ("corpus_file", "iterable"):
        model = Word2Vec(**common)
        if mode == "corpus_file":
            model.build_vocab(corpus_file=path)
            t0, c0 = time.perf_counter(), time.process_time()
            model.train(corpus_file=path, total_words=model.corpus_total_words, total_examples=model.corpus_count, epochs=epochs)
        else:
            model.build_vocab(sentences)
            t0, c0 = time.perf_counter(), time.process_time()
            model.train(sentences, total_examples=len(sentences), epochs=epochs)
        sec = time.perf_counter() - t0
        cpu = time.process_time() - c0
        results.append(dict(engine="gensim " + gensim.__version__ + " " + mode, threads=workers, tokens=tokens,
                            pairs=int(pairs), seconds=round(sec, 3), pairs_per_s=round(pairs / sec),
                            pairs_per_s_per_thread=round(pairs / sec / workers),
                            cpu_seconds=round(cpu, 3), pairs_per_cpu_s=round(pairs / cpu)))
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
