#pragma once
// The report: one LaTeX document with a section per theorem (the statement in THEORY's words,
// the instances checked, the verdict per arithmetic, the proof's tables and its figures), built
// from the proofs' results. Every file is text produced from the results alone: the same results
// give the same bytes.
#include <string>
#include <utility>
#include <vector>

#include "core/proof.hpp"
#include "core/result.hpp"
#include "output/pgf_figure.hpp"
#include "output/theorem_module.hpp"

namespace freelunch::output {

struct ReportSection {
  const ProofEntry* entry;    // numbering, claim and statement
  const ProofReport* report;  // its results
  const std::vector<NamedTable>* tables;         // built by the module from the results
  const std::vector<PgfFigure>* figures;         // likewise; a figure with no data is left out
};

struct ReportFile {
  std::string path;  // relative to the report directory: report.tex, tables/..., figures/...
  std::string contents;
};

// Every file of the report: report.tex, tables/<table>.tex (scaled to the line width where
// wider), tables/<id>-verdicts.tex, figures/<name>.tex and figures/<name>.csv. Sections in the
// order given, each starting on a new page. `semantics` is the run's rounding semantics.
std::vector<ReportFile> report_files(const std::vector<ReportSection>& sections, const std::string& semantics);

// The number of figures among `files` (figures/*.tex), for messages and checks.
std::size_t figure_count(const std::vector<ReportFile>& files);

}  // namespace freelunch::output
