#pragma once
// A theorem module's record: what proofs/<id>/ registers (proofs/registry.cpp) and everything the
// command line and the report need of it. Nothing in src/ knows a theorem's id; a theorem is its
// folder, its docs/theorems page and one registration line (docs/adding-a-theorem.md).
#include <functional>
#include <string>
#include <vector>

#include "arith/precision.hpp"
#include "core/falsifier.hpp"
#include "core/proof.hpp"
#include "core/result.hpp"
#include "output/latex_table.hpp"
#include "output/pgf_figure.hpp"

namespace freelunch {

// A table and the file it is written to (docs/tables/<file>, the report's tables/<file>).
struct NamedTable {
  std::string file;
  output::LatexTable table;
};

struct ProofEntry {
  std::string id;           // "l1", "t1", ...
  std::string v2;           // paper numbering, v2 ("Thm 1", "(lemma)")
  std::string v1;           // v1 numbering, or "-"
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
  // The report's statement: a LaTeX paragraph in THEORY's checkable form.
  std::string statement;
  // Tables and figures, built from the results' data alone (never recomputed). The precisions
  // are the run's, in the order given (table columns).
  std::function<std::vector<NamedTable>(const ProofReport&, const std::vector<arith::Precision>&)> tables;
  std::function<std::vector<output::PgfFigure>(const ProofReport&)> figures;
};

}  // namespace freelunch
