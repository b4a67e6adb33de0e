#pragma once
// What a proof program produces: one CheckResult per (check, instance, arithmetic), collected in
// a ProofReport. Verdicts never overclaim (THEORY §4): "verified" only for exact or certified
// results computed by running the model; "verified (randomized)" for an identity checked on
// random inputs (Freivalds: the result prints the probability of a wrong verdict); "verified for
// all lengths" for a closed finite automaton; "holds numerically" for finite precision without
// certificate; "undecided" when an enclosure straddles the criterion (never turned into verified
// or fails); "fails" with the first failing instance or a witness; "not applicable"; and
// "measured" for numbers reported without a verdict (e.g. the deviation between two rounding
// orders).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "arith/tribool.hpp"

namespace freelunch {

enum class Verdict { verified, verified_randomized, verified_all_lengths, holds_numerically, undecided, fails, not_applicable, measured };

// Every verdict, in the order above (parsing, tables).
inline constexpr Verdict kAllVerdicts[] = {Verdict::verified,  Verdict::verified_randomized, Verdict::verified_all_lengths,
                                          Verdict::holds_numerically, Verdict::undecided, Verdict::fails,
                                          Verdict::not_applicable, Verdict::measured};

std::string to_string(Verdict v);
// The verdict of a passing check: verified when exact or certified, holds numerically otherwise.
inline Verdict passing_verdict(bool exact_or_certified) { return exact_or_certified ? Verdict::verified : Verdict::holds_numerically; }
// The one mapping from a tri-state decision (a layer copies, a CoT is right, an enclosure lies
// inside a criterion) to a verdict: true passes, false fails, unknown stays undecided.
inline Verdict verdict_of(arith::Tribool holds, bool exact_or_certified) {
  if (holds.is_true()) return passing_verdict(exact_or_certified);
  return holds.is_false() ? Verdict::fails : Verdict::undecided;
}

struct CheckResult {
  std::string check;      // e.g. "recurrence = matrix form"
  std::string instance;   // e.g. "N=64 n=4 per-state seed=1"
  std::string precision;  // arithmetic name; "exact (dyadic)" records the exact path
  std::string semantics;  // RoundingSemantics::to_string()
  Verdict verdict = Verdict::not_applicable;
  std::string detail;     // the number measured, or the first failing instance
  nlohmann::json data = nlohmann::json::object();  // machine-readable extras
  double magnitude = 0;   // for measured results: the size the summary ranks by (largest shown)
};

struct ProofReport {
  std::string id;      // "l1"
  std::string claim;   // THEORY's words
  std::string grid;    // "quick" / "full"
  std::string scope;   // the instances, e.g. "N in {8, 32, 64}, n in {1, 2, 4, 8, 16}"
  std::uint64_t seed = 0;
  std::vector<CheckResult> results;  // the module's tables and figures are built from these

  bool any_failure() const;
  // JSON lines: one object per result, with id, paper and tool version.
  std::string to_json_lines() const;
};

}  // namespace freelunch
