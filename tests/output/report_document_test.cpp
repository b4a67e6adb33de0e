#define BOOST_TEST_MODULE report_document
#include "support/test_support.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "core/proof.hpp"
#include "core/result.hpp"
#include "core/version.hpp"
#include "output/latex_table.hpp"
#include "output/report_document.hpp"
#include "cli/registry.hpp"
#include "output/result_tables.hpp"

using namespace freelunch;
using namespace freelunch::output;
using nlohmann::json;

namespace {

const std::string kSem = "per-op, sequential, storage=compute";

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

ProofEntry entry(const std::string& id, const std::string& v2, const std::string& v1, const std::string& claim) {
  ProofEntry e;
  e.id = id;
  e.v2 = v2;
  e.v1 = v1;
  e.title = "title of " + id;
  e.claim = claim;
  e.default_precisions = "exact";
  e.statement = "The statement of " + id + ".";
  return e;
}

LatexTable small_table(const std::string& label) {
  LatexTable t;
  t.caption = "A table for " + label + ".";
  t.label = "tab:" + label;
  t.header = {"instance", "fp16"};
  t.rows = {{"N=8", "holds"}, {"N=16", "fails: y_3"}};
  t.provenance = "provenance of " + label;
  return t;
}

ProofReport l1_report() {
  ProofReport r;
  r.id = "l1";
  r.claim = "claim";
  r.grid = "quick";
  r.scope = "N in {8, 16}, n_max 4";
  r.seed = 1;
  r.results = {{"recurrence = matrix form", "N=8 n=1", "exact", kSem, Verdict::verified, "", json::object()},
               {"recurrence = matrix form", "N=16 n=1", "exact", kSem, Verdict::verified, "", json::object()},
               {"deviation", "N=8 n=1", "fp16", kSem, Verdict::measured, "2^-11", json::object()}};
  return r;
}

CheckResult largest(const std::string& decay, const std::string& split, const std::string& precision, long value, bool reached_cap) {
  return {"largest L that copies", "a=" + decay + " " + split, precision, kSem, precision == "exact" ? Verdict::verified : Verdict::holds_numerically,
          "detail", json{{"largest", value}, {"reached_cap", reached_cap}, {"cap", reached_cap ? value : 1024}, {"confirmed_up_to", value},
                         {"decay", decay}, {"split", split}}};
}

ProofReport t3_report() {
  ProofReport r;
  r.id = "t3";
  r.claim = "claim";
  r.grid = "quick";
  r.scope = "L up to 2^10";
  r.seed = 1;
  r.results = {largest("1/2", "balanced", "exact", 4096, true), largest("1/2", "balanced", "fp16", 15, false),
               largest("1", "idealized", "exact", 4096, true), largest("1", "idealized", "fp16", 1024, true),
               {"copy block = copy pattern", "a=1/2 balanced L=16", "exact", kSem, Verdict::verified, "exact COPY", json::object()}};
  return r;
}

// The tables a module would build: one small table for l1 and t3, none for the others.
std::vector<NamedTable> tables_of(const std::string& id) {
  if (id == "l1") return {{"l1.tex", small_table("l1")}};
  if (id == "t3") return {{"t3-threshold.tex", small_table("t3-threshold")}};
  return {};
}

// The report's files for (entry, report) pairs: each module's tables are the report's, its
// figures those its registered module draws from the results.
std::vector<ReportFile> files_of(const std::vector<std::pair<const ProofEntry*, const ProofReport*>>& in) {
  std::vector<std::vector<NamedTable>> tables;
  std::vector<std::vector<PgfFigure>> figures;
  tables.reserve(in.size());
  figures.reserve(in.size());
  std::vector<ReportSection> sections;
  for (const auto& [e, r] : in) {
    tables.push_back(tables_of(r->id));
    const ProofEntry& module = cli::find_proof(r->id);
    figures.push_back(module.figures ? module.figures(*r) : std::vector<PgfFigure>{});
    sections.push_back({e, r, &tables.back(), &figures.back()});
  }
  return report_files(sections, kSem);
}

// A report's files from freshly built inputs.
struct Fixture {
  ProofEntry l1 = entry("l1", "(lemma)", "(lemma)", "selective scan = masked linear attention; decay 1-2^-10");
  ProofEntry t3 = entry("t3", "Thm 3", "Thm 2", "Mamba with state O(T^2) copies");
  ProofReport l1_r = l1_report(), t3_r = t3_report();
  std::vector<ReportFile> files() const { return files_of({{&l1, &l1_r}, {&t3, &t3_r}}); }
};

const ReportFile& file(const std::vector<ReportFile>& files, const std::string& path) {
  const auto it = std::find_if(files.begin(), files.end(), [&](const ReportFile& f) { return f.path == path; });
  BOOST_REQUIRE_MESSAGE(it != files.end(), "no file " + path);
  return *it;
}

}  // namespace

BOOST_AUTO_TEST_CASE(files_in_order) {
  const auto files = Fixture().files();
  std::vector<std::string> paths;
  for (const ReportFile& f : files) paths.push_back(f.path);
  const std::vector<std::string> expected = {"report.tex",       "tables/l1-verdicts.tex",  "tables/l1.tex",        "tables/t3-verdicts.tex",
                                             "tables/t3-threshold.tex", "figures/t3-length.csv", "figures/t3-length.tex"};
  BOOST_TEST(paths == expected, boost::test_tools::per_element());
  BOOST_TEST(figure_count(files) == 1u);
}

// Each file is what its part renders on its own: nothing is recomputed or lost on the way.
BOOST_AUTO_TEST_CASE(files_hold_the_parts) {
  const Fixture fx;
  const auto files = fx.files();
  BOOST_TEST(file(files, "tables/l1.tex").contents == small_table("l1").render(true));
  BOOST_TEST(file(files, "tables/t3-threshold.tex").contents == small_table("t3-threshold").render(true));
  BOOST_TEST(file(files, "tables/l1-verdicts.tex").contents == verdict_table(fx.l1_r, "l1-verdicts").render(true));
  BOOST_TEST(file(files, "tables/t3-verdicts.tex").contents == verdict_table(fx.t3_r, "t3-verdicts").render(true));
  const auto figures = cli::find_proof("t3").figures(fx.t3_r);
  BOOST_REQUIRE(figures.size() == 1u);
  BOOST_TEST(file(files, "figures/t3-length.csv").contents == figures[0].data.render(figures[0].provenance));
  BOOST_TEST(file(files, "figures/t3-length.tex").contents == figures[0].render_tex("figures/t3-length.csv"));
  // Tables are scaled to the line width in the report.
  BOOST_TEST(file(files, "tables/l1.tex").contents.find("\\resizebox{") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(document_structure) {
  const auto files = Fixture().files();
  const std::string& doc = files.front().contents;
  BOOST_TEST(files.front().path == "report.tex");
  BOOST_TEST(count(doc, "\\documentclass") == 1u);
  BOOST_TEST(count(doc, "\\usepackage{pgfplots}") == 1u);
  BOOST_TEST(count(doc, "\\usepgfplotslibrary{groupplots}") == 1u);
  BOOST_TEST(count(doc, "\\usepackage{array,booktabs,graphicx}") == 1u);
  BOOST_TEST(doc.starts_with(std::string("% Generated by freelunch ") + kToolVersion + ";"));
  BOOST_TEST(count(doc, "\\author{freelunch " + latex_escape(kToolVersion) + "}") == 1u);
  BOOST_TEST(count(doc, "\\date{" + std::string(kPaperVersion) + "; grid quick, seed 1; rounding " + kSem + "}") == 1u);
  BOOST_TEST(doc.find("\\begin{document}") < doc.find("\\maketitle"));
  BOOST_TEST(doc.ends_with("\\end{document}\n"));
  BOOST_TEST(count(doc, "\\end{document}") == 1u);

  // One section per proof, each on a new page, in the order given.
  BOOST_TEST(count(doc, "\\clearpage\n\\section{") == 2u);
  BOOST_TEST(count(doc, "\\clearpage\n\\section{L1: ") == 1u);
  BOOST_TEST(count(doc, "\\clearpage\n\\section{T3: ") == 1u);
  const std::size_t l1 = doc.find("\\section{L1: "), t3 = doc.find("\\section{T3: ");
  BOOST_TEST(l1 < t3);
  BOOST_TEST(count(doc, "\\label{sec:l1}") == 1u);
  BOOST_TEST(count(doc, "\\label{sec:t3}") == 1u);
  BOOST_TEST(count(doc, "\\section{L1: selective scan = masked linear attention; decay 1-2\\textsuperscript{-10}}\\label{sec:l1}\n") == 1u);
  BOOST_TEST(count(doc, "\\textbf{Paper:} lemma of arXiv 2410.03810") == 1u);
  BOOST_TEST(count(doc, "\\textbf{Paper:} Thm 3 (v1 Thm 2) of arXiv 2410.03810") == 1u);
  BOOST_TEST(count(doc, "\\textbf{Statement.} The statement of t3.\n") == 1u);
  BOOST_TEST(count(doc, "\\textbf{Instances checked} (grid quick, seed 1): N in \\{8, 16\\}, n\\_max 4.") == 1u);
  BOOST_TEST(count(doc, "(grid quick, seed 1): L up to 2\\textsuperscript{10}.") == 1u);

  // The inputs: each in its own section, and each names a file of the report.
  const auto at = [&](const std::string& s) { return doc.find(s); };
  for (const std::string in : {"\\input{tables/l1-verdicts.tex}", "\\input{tables/l1.tex}"}) {
    BOOST_TEST(count(doc, in) == 1u);
    BOOST_TEST((l1 < at(in) && at(in) < t3));
  }
  for (const std::string in : {"\\input{tables/t3-verdicts.tex}", "\\input{tables/t3-threshold.tex}", "\\input{figures/t3-length.tex}"}) {
    BOOST_TEST(count(doc, in) == 1u);
    BOOST_TEST((t3 < at(in) && at(in) != std::string::npos));
  }
  BOOST_TEST(at("\\input{tables/t3-verdicts.tex}") < at("\\input{tables/t3-threshold.tex}"));
  BOOST_TEST(at("\\input{tables/t3-threshold.tex}") < at("\\input{figures/t3-length.tex}"));
  BOOST_TEST(count(doc, "\\input{") == 5u);
  for (std::size_t pos = doc.find("\\input{"); pos != std::string::npos; pos = doc.find("\\input{", pos + 1)) {
    const std::string path = doc.substr(pos + 7, doc.find('}', pos) - pos - 7);
    BOOST_TEST_INFO("input " << path);
    BOOST_TEST(std::any_of(files.begin(), files.end(), [&](const ReportFile& f) { return f.path == path; }));
  }
  BOOST_TEST(count(doc, "Table~\\ref{tab:l1-verdicts}") == 1u);
  BOOST_TEST(count(doc, "Table~\\ref{tab:t3-verdicts}") == 1u);

  // The overview: one row per section, both holding.
  BOOST_TEST(count(doc, "L1 & lemma & selective scan = masked linear attention; decay 1-2\\textsuperscript{-10} & every check holds (p.~\\pageref{sec:l1}) \\\\\n") == 1u);
  BOOST_TEST(count(doc, "T3 & Thm 3 (v1 Thm 2) & Mamba with state O(T\\textsuperscript{2}) copies & every check holds (p.~\\pageref{sec:t3}) \\\\\n") == 1u);
  BOOST_TEST(count(doc, "\\textbf{fails}") == 0u);
  BOOST_TEST(count(doc, "\\textbf{Fails.}") == 0u);
  BOOST_TEST(count(doc, "\\textbf{Verdict.} Every check holds") == 2u);
}

BOOST_AUTO_TEST_CASE(superscripts_in_claims) {
  const auto files = Fixture().files();
  const std::string& doc = files.front().contents;
  BOOST_TEST(count(doc, "\\section{T3: Mamba with state O(T\\textsuperscript{2}) copies}\\label{sec:t3}") == 1u);
  BOOST_TEST(count(doc, "O(T\\textsuperscript{2})") == 2u);  // section and overview
  BOOST_TEST(count(doc, "\\textasciicircum{}") == 0u);
}

BOOST_AUTO_TEST_CASE(same_results_same_bytes) {
  const Fixture fx;
  const auto a = fx.files(), b = fx.files(), c = Fixture().files();
  BOOST_REQUIRE(a.size() == b.size());
  BOOST_REQUIRE(a.size() == c.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST_INFO("file " << a[i].path);
    BOOST_TEST(a[i].path == b[i].path);
    BOOST_TEST(a[i].contents == b[i].contents);
    BOOST_TEST(a[i].path == c[i].path);
    BOOST_TEST(a[i].contents == c[i].contents);
  }
}

BOOST_AUTO_TEST_CASE(a_failure_is_named) {
  Fixture fx;
  fx.t3_r.results.push_back({"copy block = copy pattern", "a=1/2 balanced L=32", "exact", kSem, Verdict::fails, "row of output y_3 differs", json::object()});
  fx.t3_r.results.push_back({"copy block = copy pattern", "a=1/2 balanced L=64", "exact", kSem, Verdict::fails, "second failure", json::object()});
  const auto files = fx.files();
  const std::string& doc = files.front().contents;
  const std::size_t t3 = doc.find("\\section{T3: ");
  BOOST_TEST(count(doc, "T3 & Thm 3 (v1 Thm 2) & Mamba with state O(T\\textsuperscript{2}) copies & \\textbf{fails} (p.~\\pageref{sec:t3}) \\\\\n") == 1u);
  BOOST_TEST(count(doc, "& every check holds (p.~\\pageref{sec:l1}) \\\\\n") == 1u);  // L1 still holds
  BOOST_TEST(count(doc, "\\textbf{fails}") == 1u);
  const std::string verdict = "\\textbf{Verdict.} \\textbf{Fails.} First failure: copy block = copy pattern [exact], a=1/2 balanced L=32: row of output y\\_3 differs.";
  BOOST_TEST(count(doc, verdict) == 1u);
  BOOST_TEST(doc.find(verdict) > t3);
  BOOST_TEST(count(doc, "second failure") == 0u);
  BOOST_TEST(count(doc, "\\textbf{Verdict.} Every check holds") == 1u);  // L1's
  BOOST_TEST(doc.find("\\textbf{Verdict.} Every check holds") < t3);
  // The verdict table names it too.
  BOOST_TEST(file(files, "tables/t3-verdicts.tex").contents.find("(first failure: a=1/2 balanced L=32)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(numbering_without_v1) {
  ProofEntry e = entry("t2", "Thm 2", "-", "claim");
  ProofReport r = l1_report();
  r.id = "t2";
  const auto files = files_of({{&e, &r}});
  const std::string& doc = files.front().contents;
  BOOST_TEST(count(doc, "\\textbf{Paper:} Thm 2 (not in v1) of arXiv") == 1u);
  BOOST_TEST(figure_count(files) == 0u);  // t2 without P* results: no figure, not an empty one
}

BOOST_AUTO_TEST_CASE(figure_count_counts_figure_tex_files) {
  const std::vector<ReportFile> files = {{"report.tex", ""},        {"figures/a.tex", ""},   {"figures/a.csv", ""},
                                         {"tables/figures.tex", ""}, {"figures/b.tex", "x"}, {"figures/readme.txt", ""}};
  BOOST_TEST(figure_count(files) == 2u);
  BOOST_TEST(figure_count({}) == 0u);
}

BOOST_AUTO_TEST_CASE(no_sections) {
  const auto files = report_files({}, kSem);
  BOOST_REQUIRE(files.size() == 1u);
  BOOST_TEST(files[0].path == "report.tex");
  BOOST_TEST(count(files[0].contents, "\\section{") == 0u);
  BOOST_TEST(count(files[0].contents, "grid quick, seed 1") == 1u);
  BOOST_TEST(files[0].contents.ends_with("\\end{document}\n"));
  BOOST_TEST(figure_count(files) == 0u);
}
