#pragma once
// What a proof program produces: one CheckResult per (check, instance, arithmetic), collected in
// a ProofReport. Verdicts never overclaim (THEORY §4): "verified" only for exact or certified
// results, "holds numerically" for finite precision without certificate, "fails" with the first
// failing instance, "not applicable", and "measured" for numbers reported without a verdict
// (e.g. the deviation between two rounding orders).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "output/latex_table.hpp"

namespace freelunch {

enum class Verdict { verified, holds_numerically, fails, not_applicable, measured };

std::string to_string(Verdict v);

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
  std::vector<CheckResult> results;
  // Tables for docs/tables/: file name ("l1.tex") and table.
  std::vector<std::pair<std::string, output::LatexTable>> tables;

  bool any_failure() const;
  // JSON lines: one object per result, with id, paper and tool version.
  std::string to_json_lines() const;
};

}  // namespace freelunch
