#!/usr/bin/python3
"""Reference figures of DSG faithfulness for the TIFA160 split: mPLUG-large's answers (mplug_dsg.csv), DSG's question
file (dsg-1k-anns.csv) for categories, and the human Likert ratings (tifa160-likert-anns.csv).

Written independently of Lucid's Java code, with the standard library only (csv, math, json):
- answer normalisation: lower case, whitespace collapsed, trailing . ! ? , ; : removed; a question's raw score is 1
  when the normalised answer is "yes";
- dependencies from the answers file's dependency_id: comma-separated, non-integer tokens dropped (counted as
  repaired rows), 0 = none; a question is zeroed when any direct parent's raw score is 0 (DSG's calc_vqa_score);
- image score = mean over its questions; model score = mean over its images; per-category accuracy pooled;
- Spearman = Pearson of average ranks, Kendall tau-b (ties handled), over images having both a score and ratings
  (human value = mean of the image's ratings).
"upstream_protocol" repeats the correlation the way DSG's scripts/tifa160_correlation.py builds its inputs: all 160
TIFA160 prompts per model (a prompt without answers scores 0), dependencies from the question file, and a prompt
whose dependency column has a non-integer token loses all its dependencies (their try/except), exact "yes" match.

Usage: dsg_faithfulness_reference.py DSG_DIR OUT.json
"""
import csv
import json
import math
import sys
from collections import OrderedDict


def normalize(answer):
    s = " ".join(answer.lower().split())
    while s and s[-1] in ".!?,;:":
        s = s[:-1]
    return s.strip()


def parse_dependency(text):
    kept, dropped = [], False
    if not text.strip():
        return kept, True
    for token in text.split(","):
        t = token.strip()
        if t.isdigit():
            if int(t) > 0 and int(t) not in kept:
                kept.append(int(t))
        else:
            dropped = True
    return kept, dropped


def image_score(questions):
    """questions: list of (qid, parents, raw_yes, category) -> (score, [credited...])."""
    raw = {q[0]: q[2] for q in questions}
    credited = []
    for qid, parents, yes, _ in questions:
        ok = yes and all(raw.get(p, True) for p in parents)
        credited.append(ok)
    return sum(credited) / len(credited), credited


def ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2.0 + 1
        i = j + 1
    return out


def pearson(a, b):
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    sab = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    saa = sum((x - ma) ** 2 for x in a)
    sbb = sum((y - mb) ** 2 for y in b)
    return sab / math.sqrt(saa * sbb)


def spearman(a, b):
    return pearson(ranks(a), ranks(b))


def kendall_tau_b(a, b):
    n = len(a)
    conc = disc = tx = ty = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = a[i] - a[j], b[i] - b[j]
            if dx == 0:
                tx += 1
            if dy == 0:
                ty += 1
            if dx != 0 and dy != 0:
                if (dx > 0) == (dy > 0):
                    conc += 1
                else:
                    disc += 1
    n0 = n * (n - 1) // 2
    return (conc - disc) / math.sqrt((n0 - tx) * (n0 - ty))


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main(dsg_dir, out_path):
    answers = [r for r in read(dsg_dir + "/mplug_dsg.csv") if r["dsg_prompt_split"] == "tifa160"]
    questions = read(dsg_dir + "/dsg-1k-anns.csv")
    likert = read(dsg_dir + "/tifa160-likert-anns.csv")
    category = {(r["item_id"], int(r["proposition_id"])): r["category_broad"] for r in questions}

    images = OrderedDict()
    repaired = 0
    not_yes_no = 0
    for r in answers:
        parents, dropped = parse_dependency(r["dependency_id"])
        repaired += dropped
        a = normalize(r["answer"])
        not_yes_no += a not in ("yes", "no")
        qid = int(r["question_id"])
        images.setdefault((r["t2i_model"], r["item_id"]), []).append(
            (qid, parents, a == "yes", category[(r["item_id"], qid)]))

    ratings = {}
    for r in likert:
        ratings.setdefault((r["t2i_model"], r["item_id"]), []).append(int(r["answer"]))
    human = {k: sum(v) / len(v) for k, v in ratings.items()}

    models = {}
    scores = {}
    for (model, item), qs in images.items():
        s, credited = image_score(qs)
        scores[(model, item)] = s
        m = models.setdefault(model, {"sum": 0.0, "images": 0, "questions": 0, "cat": {}})
        m["sum"] += s
        m["images"] += 1
        m["questions"] += len(qs)
        for q, c in zip(qs, credited):
            t = m["cat"].setdefault(q[3], [0, 0])
            t[0] += c
            t[1] += 1
    out_models = OrderedDict()
    for model in sorted(models):
        m = models[model]
        # the mean as a left-to-right sum in image order, the order Lucid also sums in
        out_models[model] = OrderedDict([
            ("score", m["sum"] / m["images"]), ("images", m["images"]), ("questions", m["questions"]),
            ("by_category", OrderedDict((c, OrderedDict([("accuracy", t[0] / t[1]), ("questions", t[1])]))
                                        for c, t in sorted(m["cat"].items())))])

    keys = [k for k in scores if k in human]
    x = [scores[k] for k in keys]
    y = [human[k] for k in keys]

    result = OrderedDict([
        ("models", out_models),
        ("human_agreement", OrderedDict([("spearman", spearman(x, y)), ("kendall", kendall_tau_b(x, y)),
                                         ("images", len(keys)),
                                         ("rated_images_without_answers", len(human) - len(keys))])),
        ("answers", OrderedDict([("rows_used", len(answers)), ("not_yes_or_no", not_yes_no)])),
        ("repaired_rows", repaired),
        ("skipped_rows", 0),
        ("upstream_protocol", upstream_protocol(answers, questions, human)),
    ])
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


def upstream_protocol(answers, questions, human):
    deps = {}
    broken = set()
    for r in questions:
        try:
            d = [int(t.strip()) for t in r["dependency"].split(",")]
        except ValueError:
            broken.add(r["item_id"])
            continue
        deps.setdefault(r["item_id"], {})[int(r["proposition_id"])] = d
    x, y = [], []
    for model in ["mini-dalle", "sd1dot1", "sd1dot5", "sd2dot1", "vq-diffusion"]:
        for i in range(160):
            item = "tifa160_%d" % i
            rows = [r for r in answers if r["t2i_model"] == model and r["item_id"] == item]
            if not rows:
                score = 0.0
            else:
                raw = {int(r["question_id"]): float(r["answer"] == "yes") for r in rows}
                final = dict(raw)
                for qid, parents in ({} if item in broken else deps.get(item, {})).items():
                    if any(p != 0 and raw[p] == 0 for p in parents):
                        final[qid] = 0.0
                score = sum(final.values()) / len(raw)
            x.append(score)
            y.append(human[(model, item)])
    return OrderedDict([("spearman", spearman(x, y)), ("kendall", kendall_tau_b(x, y)), ("images", len(x)),
                        ("prompts_without_dependencies", sorted(broken))])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
