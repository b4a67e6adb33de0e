#pragma once
// Shared by the falsifier tests of the theorem modules: the options of a small run, and the check
// that every falsifier of a module targets a declared check, is rejected by it, and says why.
#include <algorithm>
#include <string>
#include <vector>

#include "arith/precision.hpp"
#include "core/falsifier.hpp"
#include "core/proof.hpp"
#include "output/theorem_module.hpp"
#include "support/test_support.hpp"

namespace freelunch::testing {

inline ProofOptions falsifier_options(const std::string& precisions) {
  ProofOptions o;
  o.precisions = arith::parse_precision_list(precisions);
  o.seed = seed();
  o.progress = false;
  return o;
}

inline void require_rejected(const ProofEntry& entry, const ProofOptions& o) {
  const std::vector<Falsifier> falsifiers = entry.falsifiers(o);
  BOOST_TEST(checks_without_falsifier(entry.checks, falsifiers).empty());
  for (const Falsifier& f : falsifiers) {
    const bool declared = std::find(entry.checks.begin(), entry.checks.end(), f.check) != entry.checks.end();
    BOOST_TEST(declared, f.check << " is not declared");
    const FalsifierResult r = run_falsifier(entry.id, f);
    BOOST_TEST(r.rejected, r.line());
    BOOST_TEST(r.result.check == f.check);
    BOOST_TEST(!r.result.detail.empty());
  }
}

}  // namespace freelunch::testing
