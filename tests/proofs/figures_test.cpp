#define BOOST_TEST_MODULE module_figures
#include "support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/version.hpp"
#include "output/latex_table.hpp"
#include "output/pgf_figure.hpp"
#include "cli/registry.hpp"
#include "output/theorem_module.hpp"

using namespace freelunch;
using namespace freelunch::output;
using nlohmann::json;

namespace {

// A proof's figures as its module draws them (the registry's record).
std::vector<PgfFigure> figures_of(const ProofReport& report) {
  const ProofEntry& module = cli::find_proof(report.id);
  return module.figures ? module.figures(report) : std::vector<PgfFigure>{};
}

PgfFigure figure_named(const ProofReport& report, const std::string& name) {
  for (PgfFigure& f : figures_of(report))
    if (f.name == name) return f;
  BOOST_FAIL("no figure " + name + " for " + report.id);
  return {};
}

const std::string kSem = "per-op, sequential, storage=compute";
const std::string kCounted = "counts do not depend on the arithmetic";

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t at = text.find(sep); at != std::string::npos; at = text.find(sep, start)) {
    out.push_back(text.substr(start, at - start));
    start = at + 1;
  }
  out.push_back(text.substr(start));
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  auto lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::string line_after(const std::vector<std::string>& lines, const std::string& line) {
  for (std::size_t i = 0; i + 1 < lines.size(); ++i)
    if (lines[i] == line) return lines[i + 1];
  return "";
}

// The CSV as a figure writes it, read back: the provenance line, and per column its cells.
struct Csv {
  std::string provenance;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;

  std::vector<std::string> column(const std::string& name) const {
    const auto it = std::find(columns.begin(), columns.end(), name);
    BOOST_REQUIRE_MESSAGE(it != columns.end(), "no column " + name);
    std::vector<std::string> out;
    for (const auto& row : rows) out.push_back(row.at(static_cast<std::size_t>(it - columns.begin())));
    return out;
  }
  bool has(const std::string& name) const { return std::find(columns.begin(), columns.end(), name) != columns.end(); }
};

Csv read_csv(const PgfFigure& f) {
  const auto lines = lines_of(f.data.render(f.provenance));
  Csv c;
  BOOST_REQUIRE(lines.size() >= 2u);
  BOOST_REQUIRE(lines[0].starts_with("# "));
  c.provenance = lines[0].substr(2);
  c.columns = split(lines[1], ',');
  for (std::size_t i = 2; i < lines.size(); ++i) {
    c.rows.push_back(split(lines[i], ','));
    BOOST_TEST(c.rows.back().size() == c.columns.size());  // every row fills every column
  }
  return c;
}

struct TablePlot {
  std::string line, x, y;
};

// The \addplot lines of a figure that read the CSV, with their x and y columns.
std::vector<TablePlot> table_plots(const std::string& tex) {
  std::vector<TablePlot> out;
  for (const std::string& line : lines_of(tex)) {
    const std::size_t t = line.find("table[x=");
    if (!line.starts_with("\\addplot[") || t == std::string::npos) continue;
    const std::size_t y = line.find(", y=", t), end = line.find(", col sep", t);
    out.push_back({line, line.substr(t + 8, y - t - 8), line.substr(y + 4, end - y - 4)});
  }
  return out;
}

// No plot without coordinates: every table plot reads existing columns, with at least one row
// where both cells are numbers.
void check_every_plot_has_points(const PgfFigure& f) {
  const Csv csv = read_csv(f);
  const std::string tex = f.render_tex("figures/" + f.name + ".csv");
  for (const TablePlot& p : table_plots(tex)) {
    BOOST_TEST_INFO("figure " << f.name << ": " << p.line);
    BOOST_TEST_REQUIRE(csv.has(p.x));
    BOOST_TEST_REQUIRE(csv.has(p.y));
    const auto xs = csv.column(p.x), ys = csv.column(p.y);
    bool any = false;
    for (std::size_t i = 0; i < xs.size(); ++i) any = any || (xs[i] != "nan" && ys[i] != "nan");
    BOOST_TEST(any);
  }
}

std::string expected_provenance(const std::string& arithmetics, const std::string& semantics) {
  return std::string(kPaperVersion) + "; freelunch " + kToolVersion + (arithmetics.empty() ? "" : "; arithmetics: " + arithmetics) +
         "; rounding: " + semantics + "; grid quick, seed 1.";
}

ProofReport report_with(const std::string& id, std::vector<CheckResult> results) {
  ProofReport r;
  r.id = id;
  r.claim = "claim";
  r.grid = "quick";
  r.scope = "scope";
  r.seed = 1;
  r.results = std::move(results);
  return r;
}

// ---- T1 ----------------------------------------------------------------------------------------

CheckResult t1a(const std::string& decay, const std::string& precision, json data) {
  data["decay"] = decay;
  const Verdict v = precision == "exact" ? Verdict::verified : Verdict::holds_numerically;
  return {"T1a largest distance", "a=" + (decay == "1023/1024" ? std::string("1-2^-10") : decay), precision, kSem, v, "detail", data};
}

json found(long largest, long cap, long bound) { return {{"largest", largest}, {"reached_cap", false}, {"cap", cap}, {"confirmed_up_to", largest}, {"bound", bound}}; }
json capped(long cap) { return {{"largest", cap}, {"reached_cap", true}, {"cap", cap}, {"confirmed_up_to", cap}}; }

CheckResult t1b(long length, long state, const std::string& construction, const std::string& mse) {
  return {"T1b rank and error bound", construction + " L=" + std::to_string(length) + " n=" + std::to_string(state), "exact", kSem, Verdict::verified,
          "detail", json{{"L", length}, {"n", state}, {"construction", construction}, {"rank", state}, {"mse", mse}, {"bound", "1/2"}, {"tight", false}}};
}

ProofReport t1_report() {
  json capped_fp16 = capped(1024), capped_bf16 = capped(1024), nothing = {{"largest", nullptr}, {"reached_cap", false}, {"cap", 1024}, {"bound", 17}};
  capped_fp16["bound"] = 22704;
  capped_bf16["bound"] = 181345;
  return report_with(
      "t1", {t1a("1/2", "exact", capped(4096)), t1a("1/2", "fp16", found(31, 1024, 31)), t1a("1/2", "bf16", found(254, 1024, 255)),
             t1a("1/2", "e4m3", nothing),
             // Other checks of the proof: not part of the figures.
             {"T1a bound inequality", "a=1/2", "mpfr53", kSem, Verdict::verified, "", json::object()},
             t1a("1023/1024", "exact", capped(4096)), t1a("1023/1024", "fp16", capped_fp16), t1a("1023/1024", "bf16", capped_bf16),
             t1b(16, 1, "rank-n projection", "15/16"), t1b(16, 1, "decayed keys", "7/2"), t1b(16, 4, "rank-n projection", "3/4"),
             t1b(64, 8, "rank-n projection", "7/8"), t1b(64, 8, "random keys", "100/3"),
             {"T1b error on 8 random inputs", "random keys L=16 n=1", "fp16", kSem, Verdict::measured, "0.1", json{{"L", 16}, {"n", 1}}}});
}

// ---- T2 ----------------------------------------------------------------------------------------

CheckResult t2(const std::string& schedule, long length, json p_star) {
  return {"least precision P* that copies", schedule, "mpfr2..64", kSem, p_star.is_null() ? Verdict::fails : Verdict::holds_numerically, "detail",
          json{{"schedule", schedule}, {"L", length}, {"beta", 4}, {"V", 1}, {"rows", 8}, {"P*", p_star}, {"confirmed_up_to", 64}}};
}

ProofReport t2_report() {
  std::vector<CheckResult> results;
  for (long k = 4; k <= 10; ++k) results.push_back(t2("distance", 1L << k, 2 * k + 1));  // P* = 2 log2 L + 1 exactly
  results.push_back(t2("full", 16, 5));    // 2 log2 L - 3
  results.push_back(t2("full", 64, 9));
  results.push_back(t2("full", 256, nullptr));  // no P* in the searched range: not drawn
  results.push_back({"P* slope against log2 L", "distance", "exact", kSem, Verdict::verified, "slope 2", json::object()});
  return report_with("t2", results);
}

// ---- T3 ----------------------------------------------------------------------------------------

CheckResult t3(const std::string& decay, const std::string& split, const std::string& precision, json data) {
  data["decay"] = decay;
  data["split"] = split;
  if (data.contains("bound") && data["bound"] == 0) data.erase("bound");  // found(..., 0): no bound reported (exact, a = 1, mpfr4..64)
  return {"largest L that copies", "a=" + decay + " " + split, precision, kSem,
          precision == "exact" ? Verdict::verified : Verdict::holds_numerically, "detail", data};
}

ProofReport t3_report() {
  return report_with("t3", {t3("1/2", "balanced", "exact", capped(4096)), t3("1/2", "balanced", "fp16", found(15, 1024, 31)),
                            t3("1/2", "balanced", "fp32", found(127, 1024, 255)), t3("1/2", "balanced", "mpfr4..64", found(7, 1024, 0)),
                            t3("1", "idealized", "exact", capped(4096)), t3("1", "idealized", "fp16", capped(1024)),
                            t3("1", "idealized", "fp32", capped(1024)),
                            {"copy block = copy pattern", "a=1/2 balanced L=16", "exact", kSem, Verdict::verified, "", json::object()}});
}

// ---- T4, T5 ------------------------------------------------------------------------------------

CheckResult cost(const std::string& problem, const std::string& model, const std::vector<std::pair<long, double>>& points) {
  json pts = json::array();
  for (const auto& [t, total] : points)
    pts.push_back({{"T", t}, {"state_numbers", 3}, {"mul_adds_last_step", 10}, {"mul_adds_total", total}, {"relu_units", 1}});
  return {"cost against T", problem + ", " + model, "any (counted)", kCounted, Verdict::measured, "detail",
          json{{"problem", problem}, {"model", model}, {"slope_total", 1.0}, {"slope_state", 0.0}, {"slope_step", 0.0}, {"expected_slope", 1}, {"points", pts}}};
}

const std::string kGeneral = "mamba-general a=2^-1 balanced";

ProofReport t4_report() {
  return report_with("t4", {cost("kadane", "mamba-local w=3", {{16, 1000}, {32, 2000}, {64, 4000}}),
                            cost("kadane", "transformer", {{16, 5000}, {32, 20000}, {64, 80000}}),
                            cost("lis", "transformer", {{16, 6000}, {32, 24000}}),
                            cost("lis", kGeneral, {{128, 128863502342.0}, {16, 7000}, {32, 28000}}),
                            {"T4 answer correct", "kadane T=16", "fp16", kSem, Verdict::holds_numerically, "", json::object()}});
}

}  // namespace

BOOST_AUTO_TEST_CASE(t1a_cells_caps_and_bounds) {
  const PgfFigure f = figure_named(t1_report(), "t1a-distance");
  BOOST_TEST(f.name == "t1a-distance");
  const Csv csv = read_csv(f);
  BOOST_TEST(csv.provenance == expected_provenance("exact, fp16, bf16, e4m3", kSem));
  using V = std::vector<std::string>;
  BOOST_TEST(csv.columns == (V{"x", "arithmetic", "a_1_2_largest", "a_1_2_cap", "a_1_2_bound", "a_1_2_x", "a_1_2__10_largest", "a_1_2__10_cap",
                               "a_1_2__10_bound", "a_1_2__10_x"}),
             boost::test_tools::per_element());
  BOOST_TEST(csv.column("x") == (V{"0", "1", "2", "3"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("arithmetic") == (V{"exact", "fp16", "bf16", "e4m3"}), boost::test_tools::per_element());
  // Reached the cap: the cap in *_cap, nan in *_largest; exact has no bound; nothing copies (null): nan, nan.
  BOOST_TEST(csv.column("a_1_2_largest") == (V{"nan", "31", "254", "nan"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("a_1_2_cap") == (V{"4096", "nan", "nan", "nan"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("a_1_2_bound") == (V{"nan", "31", "255", "17"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("a_1_2__10_largest") == (V{"nan", "nan", "nan", "nan"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("a_1_2__10_cap") == (V{"4096", "1024", "1024", "nan"}), boost::test_tools::per_element());  // no e4m3 result
  BOOST_TEST(csv.column("a_1_2__10_bound") == (V{"nan", "22704", "181345", "nan"}), boost::test_tools::per_element());
  // The two series sit either side of each arithmetic's tick.
  BOOST_TEST(csv.column("a_1_2_x") == (V{"-0.06", "0.94", "1.94", "2.94"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("a_1_2__10_x") == (V{"0.06", "1.06", "2.06", "3.06"}), boost::test_tools::per_element());
}

// Every result of a=1-2^-10 reached the cap: no plot reads its *_largest column (it would have no
// coordinates), and its legend entry goes on the cap plot; a=1/2 keeps its entry on its first plot.
BOOST_AUTO_TEST_CASE(t1a_series_without_values_are_not_plotted) {
  const PgfFigure f = figure_named(t1_report(), "t1a-distance");
  const std::string csv = "figures/t1a-distance.csv", tex = f.render_tex(csv);
  const auto plots = table_plots(tex);
  BOOST_TEST(plots.size() == 5u);
  for (const TablePlot& p : plots) BOOST_TEST(p.y != "a_1_2__10_largest");
  check_every_plot_has_points(f);

  const auto lines = lines_of(tex);
  const auto plot_line = [&](const std::string& y) -> std::string {
    for (const TablePlot& p : plots)
      if (p.y == y) return p.line;
    return "";
  };
  const std::string cap10 = plot_line("a_1_2__10_cap"), largest2 = plot_line("a_1_2_largest");
  BOOST_REQUIRE(!cap10.empty());
  BOOST_REQUIRE(!largest2.empty());
  BOOST_TEST(line_after(lines, cap10) == "\\addlegendentry{$a=1-2^{-10}$}");
  BOOST_TEST(cap10.find("forget plot") == std::string::npos);
  BOOST_TEST(cap10.find("mark=triangle*") != std::string::npos);
  BOOST_TEST(cap10.find("x=a_1_2__10_x") != std::string::npos);
  BOOST_TEST(line_after(lines, largest2) == "\\addlegendentry{$a=1/2$}");
  BOOST_TEST(plot_line("a_1_2_cap").find("forget plot") != std::string::npos);
  BOOST_TEST(plot_line("a_1_2_bound").find("forget plot") != std::string::npos);
  BOOST_TEST(plot_line("a_1_2__10_bound").find("forget plot") != std::string::npos);
  // One entry per series plus the two legend images (bound, cap).
  BOOST_TEST(count(tex, "\\addlegendentry{") == 4u);
  BOOST_TEST(count(tex, "\\addlegendimage{") == 2u);
  // A series keeps its colour on all its plots; the two series differ.
  for (const std::string y : {"a_1_2_largest", "a_1_2_cap", "a_1_2_bound"}) BOOST_TEST(plot_line(y).find("color=blue!80!black") != std::string::npos);
  for (const std::string y : {"a_1_2__10_cap", "a_1_2__10_bound"}) BOOST_TEST(plot_line(y).find("color=red!80!black") != std::string::npos);
  // The axis ends 16 times above the largest value found or capped (4096).
  BOOST_TEST(count(tex, "ymax=65536]") == 1u);
}

BOOST_AUTO_TEST_CASE(t1b_error_against_ratio) {
  const PgfFigure f = figure_named(t1_report(), "t1b-error");
  BOOST_TEST(f.name == "t1b-error");
  const Csv csv = read_csv(f);
  BOOST_TEST(csv.provenance == expected_provenance("exact", kSem));
  using V = std::vector<std::string>;
  BOOST_TEST(csv.columns == (V{"n_over_L", "L", "n", "rank_n_projection", "decayed_keys", "random_keys"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("n_over_L") == (V{"0.0625", "0.0625", "0.25", "0.125", "0.125"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("L") == (V{"16", "16", "16", "64", "64"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("n") == (V{"1", "1", "4", "8", "8"}), boost::test_tools::per_element());
  // The exact mse "15/16" is 0.9375; each row fills only its construction's column.
  BOOST_TEST(csv.column("rank_n_projection") == (V{"0.9375", "nan", "0.75", "0.875", "nan"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("decayed_keys") == (V{"nan", "3.5", "nan", "nan", "nan"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("random_keys") == (V{"nan", "nan", "nan", "nan", "33.33333333"}), boost::test_tools::per_element());

  const std::string tex = f.render_tex("figures/t1b-error.csv");
  const auto lines = lines_of(tex);
  // The bound line over the ratios present, then one mark series per construction.
  BOOST_TEST(line_after(lines, "\\addplot[domain=0.0625:0.25, samples=60, black, thick] {1-x};") == "\\addlegendentry{bound $(L-n)/L$}");
  BOOST_TEST(count(tex, "\\addplot[") == 4u);
  BOOST_TEST(count(tex, "\\addlegendentry{rank-n projection}") == 1u);
  BOOST_TEST(count(tex, "\\addlegendentry{decayed keys}") == 1u);
  BOOST_TEST(count(tex, "\\addlegendentry{random keys}") == 1u);
  BOOST_TEST(count(tex, "ymin=0.375,") == 1u);  // half of 1 - 0.25, the lowest bound drawn
  check_every_plot_has_points(f);
}

BOOST_AUTO_TEST_CASE(t2_least_squares_lines) {
  const PgfFigure f = figure_named(t2_report(), "t2-precision");
  BOOST_TEST(f.name == "t2-precision");
  const Csv csv = read_csv(f);
  BOOST_TEST(csv.provenance == expected_provenance("mpfr2..64", kSem));
  using V = std::vector<std::string>;
  BOOST_TEST(csv.columns == (V{"log2_L", "L", "distance", "full"}), boost::test_tools::per_element());
  // Nine rows: the null P* is left out.
  BOOST_TEST(csv.column("log2_L") == (V{"4", "5", "6", "7", "8", "9", "10", "4", "6"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("L") == (V{"16", "32", "64", "128", "256", "512", "1024", "16", "64"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("distance") == (V{"9", "11", "13", "15", "17", "19", "21", "nan", "nan"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("full") == (V{"nan", "nan", "nan", "nan", "nan", "nan", "nan", "5", "9"}), boost::test_tools::per_element());

  const std::string tex = f.render_tex("figures/t2-precision.csv");
  const auto lines = lines_of(tex);
  BOOST_TEST(line_after(lines, "\\addplot[domain=4:10, samples=2, dashed, color=blue!80!black] {2.0000*x + 1.0000};") ==
             "\\addlegendentry{fit: $P^* = 2.00\\log_2 L + 1.00$}");
  BOOST_TEST(line_after(lines, "\\addplot[domain=4:6, samples=2, dashed, color=red!80!black] {2.0000*x + -3.0000};") ==
             "\\addlegendentry{fit: $P^* = 2.00\\log_2 L - 3.00$}");
  BOOST_TEST(count(tex, "\\addplot[") == 4u);  // two mark series, two lines
  BOOST_TEST(count(tex, "\\addlegendentry{distance}") == 1u);
  BOOST_TEST(count(tex, "\\addlegendentry{full}") == 1u);
  check_every_plot_has_points(f);
}

// A single point gives no line (least squares needs two).
BOOST_AUTO_TEST_CASE(t2_single_point_has_no_line) {
  const PgfFigure f = figure_named(report_with("t2", {t2("distance", 64, 13)}), "t2-precision");
  const std::string tex = f.render_tex("figures/t2-precision.csv");
  BOOST_TEST(count(tex, "\\addplot[") == 1u);
  BOOST_TEST(count(tex, "fit:") == 0u);
}

// Regression: a schedule whose every result has "P*": null got an \addplot over a column that is
// nan in every row, a plot without coordinates carrying a legend entry.
BOOST_AUTO_TEST_CASE(t2_schedule_without_p_star_is_not_plotted) {
  ProofReport r = t2_report();
  r.results.push_back(t2("shift", 16, nullptr));
  r.results.push_back(t2("shift", 64, nullptr));
  const PgfFigure f = figure_named(r, "t2-precision");
  const std::string tex = f.render_tex("figures/t2-precision.csv");
  for (const TablePlot& p : table_plots(tex)) BOOST_TEST(p.y != "shift");
  BOOST_TEST(count(tex, "\\addlegendentry{shift}") == 0u);
  check_every_plot_has_points(f);
}

BOOST_AUTO_TEST_CASE(t3_bounds_from_the_data) {
  const PgfFigure f = figure_named(t3_report(), "t3-length");
  BOOST_TEST(f.name == "t3-length");
  const Csv csv = read_csv(f);
  BOOST_TEST(csv.provenance == expected_provenance("exact, fp16, fp32, mpfr4..64", kSem));
  using V = std::vector<std::string>;
  BOOST_TEST(csv.column("arithmetic") == (V{"exact", "fp16", "fp32", "mpfr4..64"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("a_1_2_balanced_largest") == (V{"nan", "15", "127", "7"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("a_1_2_balanced_cap") == (V{"4096", "nan", "nan", "nan"}), boost::test_tools::per_element());
  // The bounds the producer wrote (floor(log2(beta_max^2)) for a = 1/2: fp16 31, fp32 255); none
  // where the data has none.
  BOOST_TEST(csv.column("a_1_2_balanced_bound") == (V{"nan", "31", "255", "nan"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("a_1_idealized_largest") == (V{"nan", "nan", "nan", "nan"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("a_1_idealized_cap") == (V{"4096", "1024", "1024", "nan"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("a_1_idealized_bound") == (V{"nan", "nan", "nan", "nan"}), boost::test_tools::per_element());  // a = 1: no bound

  const std::string tex = f.render_tex("figures/t3-length.csv");
  const auto lines = lines_of(tex);
  const auto plots = table_plots(tex);
  BOOST_TEST(plots.size() == 4u);  // balanced: largest, cap, bound; idealized: cap only
  for (const TablePlot& p : plots) {
    BOOST_TEST(p.y != "a_1_idealized_largest");
    BOOST_TEST(p.y != "a_1_idealized_bound");
    if (p.y == "a_1_idealized_cap") BOOST_TEST(line_after(lines, p.line) == "\\addlegendentry{$a=1$ idealized}");
    if (p.y == "a_1_2_balanced_largest") BOOST_TEST(line_after(lines, p.line) == "\\addlegendentry{$a=1/2$ balanced}");
  }
  BOOST_TEST(count(tex, "{mpfr4..64}") == 1u);  // tick label
  check_every_plot_has_points(f);
}

BOOST_AUTO_TEST_CASE(dp_cost_panels_and_legend) {
  const PgfFigure f = figure_named(t4_report(), "t4-cost");
  BOOST_TEST(f.name == "t4-cost");
  const Csv csv = read_csv(f);
  BOOST_TEST(csv.provenance == expected_provenance("", kCounted));
  using V = std::vector<std::string>;
  BOOST_TEST(csv.columns == (V{"T", "kadane_mamba_local_w_3", "kadane_transformer", "lis_transformer", "lis_mamba_general_a_2__1_balanced"}),
             boost::test_tools::per_element());
  // The union of the lengths, sorted; a length a series lacks is nan; big counts exactly.
  BOOST_TEST(csv.column("T") == (V{"16", "32", "64", "128"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("kadane_mamba_local_w_3") == (V{"1000", "2000", "4000", "nan"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("kadane_transformer") == (V{"5000", "20000", "80000", "nan"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("lis_transformer") == (V{"6000", "24000", "nan", "nan"}), boost::test_tools::per_element());
  BOOST_TEST(csv.column("lis_mamba_general_a_2__1_balanced") == (V{"7000", "28000", "nan", "128863502342"}), boost::test_tools::per_element());

  const std::string csv_path = "figures/t4-cost.csv", tex = f.render_tex(csv_path);
  BOOST_TEST(f.panels.size() == 2u);
  BOOST_TEST(count(tex, "group size=2 by 1") == 1u);
  BOOST_TEST(count(tex, "\\nextgroupplot[") == 2u);
  BOOST_TEST(count(tex, "title={kadane}") == 1u);
  BOOST_TEST(count(tex, "title={lis}") == 1u);
  const std::size_t second = tex.find("\\nextgroupplot[", tex.find("\\nextgroupplot[") + 1);
  BOOST_TEST(tex.find("title={kadane}") < second);
  // Legend entries only in the first panel: its two models, then the model it lacks.
  BOOST_TEST(count(tex, "\\addlegendentry{") == 3u);
  BOOST_TEST(tex.rfind("\\addlegendentry{") < second);
  BOOST_TEST(tex.find("ylabel={multiply-adds in total}") < second);
  BOOST_TEST(count(tex, "ylabel=") == 1u);
  const std::string general = latex_escape(kGeneral);
  BOOST_TEST(general == "mamba-general a=2\\textasciicircum{}-1 balanced");
  BOOST_TEST(count(tex, "\\addlegendimage{mark=diamond*, mark size=1.6pt, color=green!50!black}\n\\addlegendentry{" + general + "}\n") == 1u);
  BOOST_TEST(count(tex, "\\addlegendentry{mamba-local w=3}") == 1u);
  BOOST_TEST(count(tex, "\\addlegendentry{transformer}") == 1u);
  // A model keeps its mark and colour across the panels; the second panel's plots are forget plots.
  const std::string tr = "mark=square*, mark size=1.6pt, color=red!80!black";
  const auto plots = table_plots(tex);
  BOOST_TEST(plots.size() == 4u);
  for (const TablePlot& p : plots) {
    BOOST_TEST(p.x == "T");
    if (p.y == "kadane_transformer") BOOST_TEST(p.line.starts_with("\\addplot[" + tr + "] table"));
    if (p.y == "lis_transformer") BOOST_TEST(p.line.starts_with("\\addplot[" + tr + ", forget plot] table"));
    if (p.y.starts_with("lis_")) BOOST_TEST(tex.find(p.line) > second);
  }
  check_every_plot_has_points(f);
}

// Regression: the same in dp_cost_figure, for a result with an empty "points" array (latent: the
// proofs always emit points).
BOOST_AUTO_TEST_CASE(dp_cost_result_without_points_is_not_plotted) {
  ProofReport r = t4_report();
  r.results.push_back(cost("kadane", "window", {}));
  const PgfFigure f = figure_named(r, r.id + "-cost");
  check_every_plot_has_points(f);
}

// One problem: a single axis, no legend image when every model is in it.
BOOST_AUTO_TEST_CASE(dp_cost_single_problem) {
  const PgfFigure f = figure_named(report_with("t5", {cost("robber", "mamba-local w=5", {{16, 100}, {32, 200}}), cost("robber", "window", {{16, 300}})}), "t5-cost");
  BOOST_TEST(f.name == "t5-cost");
  const std::string tex = f.render_tex("figures/t5-cost.csv");
  BOOST_TEST(count(tex, "\\begin{axis}[width=0.6\\linewidth") == 1u);
  BOOST_TEST(count(tex, "\\begin{groupplot}") == 0u);
  BOOST_TEST(count(tex, "\\addlegendimage") == 0u);
  BOOST_TEST(count(tex, "\\addlegendentry{") == 2u);
  BOOST_TEST(f.caption.starts_with("T5:"));
  check_every_plot_has_points(f);
}

BOOST_AUTO_TEST_CASE(figures_per_proof_and_their_provenance) {
  ProofReport t5 = t4_report();
  t5.id = "t5";
  ProofReport l1 = report_with("l1", {{"recurrence = matrix form", "N=8 n=1", "exact", kSem, Verdict::verified, "", json::object()}});
  const std::vector<std::pair<ProofReport, std::vector<std::string>>> cases = {
      {t1_report(), {"t1a-distance", "t1b-error"}}, {t2_report(), {"t2-precision"}}, {t3_report(), {"t3-length"}},
      {t4_report(), {"t4-cost"}},                   {t5, {"t5-cost"}},                {l1, {}}};
  for (const auto& [report, names] : cases) {
    const auto figures = figures_of(report);
    BOOST_TEST_INFO("proof " << report.id);
    BOOST_TEST_REQUIRE(figures.size() == names.size());
    for (std::size_t i = 0; i < figures.size(); ++i) {
      const PgfFigure& f = figures[i];
      BOOST_TEST(f.name == names[i]);
      BOOST_TEST(f.provenance.find("grid quick, seed 1") != std::string::npos);
      BOOST_TEST(f.provenance.find(kPaperVersion) != std::string::npos);
      BOOST_TEST(f.provenance.find(std::string("freelunch ") + kToolVersion) != std::string::npos);
      BOOST_TEST(f.data.render(f.provenance).starts_with("# " + f.provenance + "\n"));
      BOOST_TEST(f.render_tex("figures/" + f.name + ".csv").find(latex_escape(f.provenance) + "}}\n\\label{fig:" + f.name + "}") != std::string::npos);
      BOOST_TEST(!f.caption.empty());
      check_every_plot_has_points(f);
    }
  }
  // The grid and seed are the report's.
  ProofReport full = t3_report();
  full.grid = "full";
  full.seed = 7;
  BOOST_TEST(figures_of(full).at(0).provenance.find("grid full, seed 7.") != std::string::npos);
}
