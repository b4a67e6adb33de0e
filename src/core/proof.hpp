#pragma once
// The interface every proof program implements: options in, a ProofReport out.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arith/precision.hpp"
#include "core/falsifier.hpp"
#include "core/result.hpp"
#include "models/rounding_semantics.hpp"

namespace freelunch {

enum class Grid { quick, full };

struct ProofOptions {
  std::vector<arith::Precision> precisions;  // empty: the proof's default list
  Grid grid = Grid::quick;
  std::uint64_t seed = 1;
  unsigned jobs = 1;
  models::RoundingSemantics semantics;
  bool progress = true;  // a progress line on stderr for long sweeps
  std::string store;     // results store of this run (result_store.hpp); empty: none
};

// A theorem module's record (proofs/<id>.cpp defines it; cli/registry.cpp lists the modules).
struct ProofEntry {
  std::string id;           // "l1", "t1", ...
  std::string v2;           // paper numbering, v2 ("Thm 1", "(lemma)")
  std::string v1;           // v1 numbering, or "—"
  std::string title;        // one line
  std::string claim;        // THEORY's words
  std::function<ProofReport(const ProofOptions&)> run;  // empty: not implemented yet
  std::string default_precisions;  // "exact,fp32,..."
  // The checks that give verdicts (CheckResult::check of every result that is not measured or
  // not applicable): the runner refuses a result under an undeclared name, and `--falsify`
  // refuses a declared check without a falsifier.
  std::vector<std::string> checks;
  // The perturbed constructions and claims its checks must reject (THEORY §4).
  std::function<std::vector<Falsifier>(const ProofOptions&)> falsifiers;
};

inline std::string to_string(Grid g) { return g == Grid::full ? "full" : "quick"; }

}  // namespace freelunch
