#pragma once
// The checks of T4 and T5 (THEORY §3) on concrete instances, shared by proofs/t4 and proofs/t5:
// correctness of the generated CoT, the rank lower bound and its witness, the counted cost and
// its slopes, and the largest T each arithmetic still gets right. Every check takes what it
// judges (the model, the claimed bound, the expected slope, the prediction) as a parameter, so
// that a falsifier runs the same function on a perturbed construction or claim (THEORY §4).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "arith/precision.hpp"
#include "core/result.hpp"
#include "dp/cot.hpp"
#include "dp/model.hpp"
#include "dp/problem.hpp"
#include "models/rounding_semantics.hpp"

namespace freelunch::dp {

// The names of the checks (CheckResult::check) that give verdicts.
inline constexpr const char* kCotCheck = "CoT = direct solution";
inline constexpr const char* kRankCheck = "rank of the dp(floor(i/2)) block";
inline constexpr const char* kWitnessCheck = "state below the rank: wrong CoT";
inline constexpr const char* kCostCheck = "cost against T";
inline constexpr const char* kLargestCheck = "largest T with a correct CoT";

// Inputs per length in the correctness checks, and the lengths of the cost sweeps, T in
// {2^k : k = 6..16}.
constexpr std::size_t kInputsPerLength = 20;
std::vector<std::size_t> cost_lengths();

// A set of lengths as text: "{8, 64, 256}", or "{2^k : k = 6..16}" for consecutive powers of two
// (the grids are sets, THEORY §4; never "up to").
std::string length_set(const std::vector<std::size_t>& lengths);
// The powers of two 1, 2, 4, ..., up to cap.
std::vector<std::size_t> powers_of_two_up_to(std::size_t cap);

// The seed of input number k of length T: fixed by the run's seed, distinct per (T, k).
std::uint64_t input_seed(std::uint64_t seed, std::size_t length, std::size_t k);

// The model writes the direct solution token for token on `inputs` seeded inputs of length T.
// The outcome of every input mapped by verdict_of: a wrong token on some input fails (the first
// such input and its first wrong token named); otherwise an input whose enclosure straddles a
// rounding boundary leaves it undecided; otherwise verified in exact and intervals, holds
// numerically in MPFR and the formats. `model` is the construction (make_model) or a falsifier's
// perturbation of it; the kind overload builds the construction.
CheckResult check_cot(const Problem& problem, const Model& model, std::size_t length, std::size_t inputs, std::uint64_t seed,
                      const arith::Precision& precision, const models::RoundingSemantics& sem);
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

// T4's lower bound for the schedule pos(i) = ⌊i/2⌋ of halfindex-mod, stated as a formula (the
// derivation is in checks.cpp): every position-only layer whose dp(⌊i/2⌋) head copies exactly has
// state n >= ⌈⌊T/2⌋/2⌉ for T >= 3 (= T/4 when 4 | T), 0 for T <= 2.
long halfindex_rank_claim(std::size_t length);

// The copy matrix of the dp(⌊i/2⌋) head over the stream, built from Problem::dependencies and
// Stream::position (what the model reads), and the exact rank (FLINT) of its block at the split
// after dp(⌊T/2⌋) (rows: later positions; columns: that position and earlier). By L1 a
// position-only layer has every such block of rank <= n, so n >= rank. verified when
// rank >= claimed_bound (the claim holds), fails otherwise.
CheckResult halfindex_rank_bound(std::size_t length, long claimed_bound);

// The impossibility side on the layer itself: mamba-general on halfindex-mod whose dp(⌊i/2⌋) head
// is a position-only layer of state `state` (SlotLimit: slots reused as sources stop being
// read), run in exact on up to `inputs` seeded inputs. verified when some input gives a wrong
// CoT (the witness: input and first wrong token), fails when every input is right (the layer is
// not shown to be wrong). The genuine claim uses state halfindex_rank_claim(T) - 1.
CheckResult small_state_witness(std::size_t length, std::size_t state, std::size_t inputs, std::uint64_t seed);
// The state the slot layer of small_state_witness needs to copy without a drop (the most
// dp(⌊i/2⌋) sources alive at one position).
std::size_t halfindex_slots_needed(std::size_t length);

// Counters of one model on one problem for each T, and the least-squares slopes of log total
// and log state against log T. For T <= executed_up_to the model is run with values (exact for
// Mamba, MPFR at softmax_precision_bits for softmax) and the counters are what the evaluator
// executed; the count-only mode (CotOptions::count_only, which skips the values) runs too and must
// agree on every counter, else the check fails. Larger T are counted by structure only, and their
// points say so ("counted": "by structure"). measured when the total's slope is within 0.25 of
// `expected_slope` (THEORY's claim), fails otherwise.
CheckResult cost_series(const Problem& problem, ModelKind kind, const std::vector<std::size_t>& lengths, double expected_slope,
                        std::uint64_t seed, std::size_t executed_up_to);
// The largest T at which cost_series executes each model in the proofs (the quadratic ones cost
// T^2 per run, the softmax ones need MPFR).
std::size_t executed_cost_cap(ModelKind kind);

// The largest T among 1, 2, 4, ..., cap at which the model writes the correct CoT on the seeded
// input of that length, searched upward to the first T that is not right (reported with its
// first wrong token; an undecided enclosure is reported as such, and the largest T is then only
// a lower bound). Without a prediction the search is a measurement (measured; undecided when it
// stopped at an undecided enclosure). With `predicted_at_least` (THEORY's prediction that every
// T up to it is right) the verdict is verdict_of(largest >= prediction): verified / holds
// numerically, fails at a wrong token below it, undecided at an undecided one.
CheckResult largest_correct_length(const Problem& problem, ModelKind kind, std::size_t cap, std::uint64_t seed,
                                   const arith::Precision& precision, const models::RoundingSemantics& sem,
                                   std::optional<std::size_t> predicted_at_least = std::nullopt);

// THEORY §3's prediction for the precision search, where it makes one: every Mamba construction
// is exact in exact arithmetic; mamba-local on a problem whose values are bounded independently
// of T (mod p) writes the correct CoT at fp16 for any T, hence in every binary format at least as
// wide (significand and exponent range). none elsewhere.
std::optional<std::size_t> predicted_correct_up_to(const Problem& problem, ModelKind kind, const arith::Precision& precision,
                                                   std::size_t cap);

}  // namespace freelunch::dp
