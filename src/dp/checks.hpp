#pragma once
// The checks of T4 and T5 (THEORY §3) on concrete instances, shared by proofs/t4 and proofs/t5:
// correctness of the generated CoT, the rank lower bound, the measured cost and its slopes, and
// the largest T each arithmetic still gets right.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "arith/precision.hpp"
#include "core/result.hpp"
#include "dp/cot.hpp"
#include "dp/model.hpp"
#include "dp/problem.hpp"
#include "models/rounding_semantics.hpp"

namespace freelunch::dp {

// Inputs per length in the correctness checks, and the lengths of the cost sweeps (2^6..2^16).
constexpr std::size_t kInputsPerLength = 20;
std::vector<std::size_t> cost_lengths();

// The seed of input number k of length T: fixed by the run's seed, distinct per (T, k).
std::uint64_t input_seed(std::uint64_t seed, std::size_t length, std::size_t k);

// The model writes the direct solution token for token on `inputs` seeded inputs of length T.
// verified in exact and intervals, holds numerically in MPFR and the formats, fails with the first
// failing input and step.
CheckResult check_cot(const Problem& problem, ModelKind kind, std::size_t length, std::size_t inputs, std::uint64_t seed,
                      const arith::Precision& precision, const models::RoundingSemantics& sem);

// The precision at which the softmax baselines are run in MPFR for length T, and certified:
// 2 ⌈log2(2T + 1)⌉ + 32 bits (the logits are integers up to β(2T + 1)^2).
long softmax_precision_bits(std::size_t length);

// The correctness checks of a softmax model (exp is not rational): for each T, check_cot in
// mpfrP at softmax_precision_bits(T), and in intervalP for T <= certify_up_to. One job each.
std::vector<std::function<CheckResult()>> softmax_cot_jobs(const Problem& problem, ModelKind kind, const std::vector<std::size_t>& lengths,
                                                           std::size_t certify_up_to, std::size_t inputs, std::uint64_t seed,
                                                           const models::RoundingSemantics& sem);

// The copy matrix of pos(i) = ⌊i/2⌋ over dp(1..T) (rows and columns 1-based in the text; row i
// has a 1 in column ⌊i/2⌋ when that is >= 1) and the exact rank of its block rows r+1..T,
// columns 1..r, at r = T/2, against the count of distinct sources in it. By L1 a position-only
// layer with state n has every such block of rank <= n: n >= the rank.
CheckResult halfindex_rank_bound(std::size_t length);

// Counters of one model on one problem for each T, counting only (the counts do not depend on
// the arithmetic or the input), and the least-squares slopes of log total and log state against
// log T. verdict measured, or fails when the total's slope is more than 0.25 from `expected_slope`.
CheckResult cost_series(const Problem& problem, ModelKind kind, const std::vector<std::size_t>& lengths, double expected_slope,
                        std::uint64_t seed);

// The largest T among 1, 2, 4, ..., cap at which the model writes the correct CoT on the seeded
// input of that length, searched upward to the first failure (which is reported).
CheckResult largest_correct_length(const Problem& problem, ModelKind kind, std::size_t cap, std::uint64_t seed,
                                   const arith::Precision& precision, const models::RoundingSemantics& sem);

// Least-squares slope of y against x.
double least_squares_slope(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace freelunch::dp
