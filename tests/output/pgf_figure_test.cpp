#define BOOST_TEST_MODULE pgf_figure
#include "support/test_support.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "output/latex_table.hpp"
#include "output/pgf_figure.hpp"

using namespace freelunch;
using namespace freelunch::output;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

// The line after the first line equal to `line`, or "" (none / it is the last).
std::string line_after(const std::vector<std::string>& lines, const std::string& line) {
  for (std::size_t i = 0; i + 1 < lines.size(); ++i)
    if (lines[i] == line) return lines[i + 1];
  return "";
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::string table_plot(const std::string& options, const std::string& x, const std::string& y, const std::string& csv) {
  return "\\addplot[" + options + "] table[x=" + x + ", y=" + y + ", col sep=comma, comment chars={\\#}] {" + csv + "};";
}

// A provenance with characters LaTeX must not see raw.
const std::string kProvenance = "arXiv 2410.03810 v2 numbering; freelunch 0.1.0; arithmetics: fix16.16, e4m3; rounding: per-op, storage=compute; grid quick_1 <5% | x>, seed 1.";

PgfFigure single_panel_figure() {
  PgfFigure f;
  f.name = "demo-one";
  f.caption = "A demo caption.";
  f.provenance = kProvenance;
  f.data.columns = {"x", "a", "b"};
  f.data.rows = {{"1", "2", "nan"}, {"2", "nan", "5"}};
  PgfPanel p;
  p.axis_options = {"ymode=log", "xlabel={$x$}"};
  p.plots.push_back({"x", "a", "", "only marks, blue", "series $a$"});
  p.plots.push_back({"x", "b", "", "only marks, red", ""});
  p.plots.push_back({"", "", "1-x", "domain=0:1, black", "bound"});
  p.plots.push_back({"x", "b", "", "", ""});
  p.legend_images = {{"only marks, mark=o, black", "open: bound"}, {"mark=triangle*", "cap"}};
  f.panels.push_back(p);
  return f;
}

}  // namespace

BOOST_AUTO_TEST_CASE(csv_render_has_provenance_header_and_rows) {
  CsvData d;
  d.columns = {"T", "kadane_transformer", "lis_mamba"};
  d.rows = {{"16", "100", "nan"}, {"32", "nan", "7.5"}};
  BOOST_TEST(d.render("prov; grid quick, seed 1.") == "# prov; grid quick, seed 1.\nT,kadane_transformer,lis_mamba\n16,100,nan\n32,nan,7.5\n");
  // No rows: the provenance and the header only.
  CsvData empty;
  empty.columns = {"x"};
  BOOST_TEST(empty.render("p") == "# p\nx\n");
}

BOOST_AUTO_TEST_CASE(csv_number_integers_exact_others_ten_digits) {
  BOOST_TEST(csv_number(0) == "0");
  BOOST_TEST(csv_number(65536) == "65536");
  BOOST_TEST(csv_number(-3) == "-3");
  BOOST_TEST(csv_number(128863502342.0) == "128863502342");
  BOOST_TEST(csv_number(4503599627370497.0) == "4503599627370497");  // 2^52 + 1: more than 10 digits, still exact
  BOOST_TEST(csv_number(0.0625) == "0.0625");
  BOOST_TEST(csv_number(2.5) == "2.5");
  BOOST_TEST(csv_number(-0.06) == "-0.06");
  BOOST_TEST(csv_number(1.0 / 3.0) == "0.3333333333");
  BOOST_TEST(csv_number(2.0 / 3.0) == "0.6666666667");
  BOOST_TEST(csv_number(12345.678901234) == "12345.6789");
  BOOST_TEST(csv_number(1.0e-7 / 3.0) == "3.333333333e-08");
  BOOST_TEST(csv_number(std::numeric_limits<double>::quiet_NaN()) == "nan");
  BOOST_TEST(csv_number(std::numeric_limits<double>::infinity()) == "nan");
  BOOST_TEST(csv_number(-std::numeric_limits<double>::infinity()) == "nan");
}

// Random integers below 2^52 come back exactly; random non-integers come back within the 10
// significant digits (relative error at most 5e-10), with no more than 10 of them.
BOOST_AUTO_TEST_CASE(csv_number_round_trips) {
  std::mt19937_64 rng(freelunch::testing::seed());
  const std::uint64_t n = freelunch::testing::iterations(2000);
  std::size_t non_integers = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t bits = rng();
    const double integer = static_cast<double>(bits >> 12) * ((bits & 1) ? -1.0 : 1.0);  // |x| < 2^52
    const std::string si = csv_number(integer);
    BOOST_TEST_INFO("seed " << freelunch::testing::seed() << ", iteration " << i << ", x = " << integer << ", text " << si);
    BOOST_TEST(si.find_first_of(".e") == std::string::npos);
    BOOST_TEST(std::stod(si) == integer);

    // A significand in [1, 2) times 2^k, k in [-40, 40]; odd significand bits make it a non-integer for k < 52.
    const double significand = 1.0 + static_cast<double>((rng() >> 12) | 1) / 4503599627370496.0;
    const int k = static_cast<int>(rng() % 81) - 40;
    const double x = std::ldexp(significand, k);
    if (x == std::floor(x)) continue;
    ++non_integers;
    const std::string sx = csv_number(x);
    BOOST_TEST_INFO("seed " << freelunch::testing::seed() << ", iteration " << i << ", x = " << x << ", text " << sx);
    BOOST_TEST(std::fabs(std::stod(sx) - x) <= 5e-10 * std::fabs(x));
    std::string mantissa;
    for (char c : sx.substr(0, sx.find('e')))
      if (std::isdigit(static_cast<unsigned char>(c)) && !(mantissa.empty() && c == '0')) mantissa += c;
    BOOST_TEST(mantissa.size() <= 10u);
  }
  BOOST_TEST(non_integers >= n / 2);  // enough decisive cases
}

BOOST_AUTO_TEST_CASE(single_panel_is_an_axis) {
  const PgfFigure f = single_panel_figure();
  const std::string csv = "figures/demo-one.csv";
  const std::string tex = f.render_tex(csv);
  const auto lines = lines_of(tex);

  BOOST_TEST(count(tex, "\\addplot[") == 4u);
  BOOST_TEST(count(tex, "\\begin{axis}[ymode=log,\n  xlabel={$x$}]\n") == 1u);
  BOOST_TEST(count(tex, "\\end{axis}") == 1u);
  BOOST_TEST(count(tex, "\\begin{groupplot}") == 0u);
  BOOST_TEST(count(tex, "\\nextgroupplot") == 0u);

  // A plot with a legend keeps its style and is followed by its entry; one without is a forget plot.
  BOOST_TEST(line_after(lines, table_plot("only marks, blue", "x", "a", csv)) == "\\addlegendentry{series $a$}");
  BOOST_TEST(has_line(lines, table_plot("only marks, red, forget plot", "x", "b", csv)));
  BOOST_TEST(line_after(lines, table_plot("only marks, red, forget plot", "x", "b", csv)).starts_with("\\addplot"));
  BOOST_TEST(has_line(lines, table_plot("forget plot", "x", "b", csv)));  // empty style: no leading comma
  BOOST_TEST(line_after(lines, "\\addplot[domain=0:1, black] {1-x};") == "\\addlegendentry{bound}");
  BOOST_TEST(count(tex, "forget plot") == 2u);

  // Entries: two plots and two legend images, the images after every plot.
  BOOST_TEST(count(tex, "\\addlegendentry{") == 4u);
  BOOST_TEST(line_after(lines, "\\addlegendimage{only marks, mark=o, black}") == "\\addlegendentry{open: bound}");
  BOOST_TEST(line_after(lines, "\\addlegendimage{mark=triangle*}") == "\\addlegendentry{cap}");
  BOOST_TEST(tex.find("\\addlegendimage") > tex.rfind("\\addplot["));
  BOOST_TEST(tex.find("\\addlegendimage{only marks") < tex.find("\\addlegendimage{mark=triangle*}"));

  // Every table plot reads the CSV path given.
  BOOST_TEST(count(tex, "] {" + csv + "};") == 3u);
  BOOST_TEST(count(tex, "{figures/other.csv}") == 0u);

  // Caption: the caption text, then the escaped provenance; then the label.
  const std::string caption = "\\caption{A demo caption. {\\footnotesize " + latex_escape(kProvenance) + "}}";
  BOOST_TEST(has_line(lines, caption));
  BOOST_TEST(latex_escape(kProvenance).find("\\textless{}5\\%") != std::string::npos);  // the escaping is real
  BOOST_TEST(line_after(lines, caption) == "\\label{fig:demo-one}");
  BOOST_TEST(tex.starts_with("% Generated by freelunch; do not edit. " + kProvenance + "\n"));
  BOOST_TEST(tex.find("\\begin{figure}") < tex.find("\\begin{tikzpicture}"));
  BOOST_TEST(tex.ends_with("\\end{figure}\n"));
}

BOOST_AUTO_TEST_CASE(several_panels_are_a_group_plot) {
  PgfFigure f;
  f.name = "demo-group";
  f.caption = "Group.";
  f.provenance = "p_1";
  f.data.columns = {"T", "u", "v", "w"};
  f.data.rows = {{"1", "1", "2", "3"}};
  for (const std::string y : {"u", "v", "w"}) {
    PgfPanel p;
    p.axis_options = {"title={" + y + "}", "xmode=log"};
    p.plots.push_back({"T", y, "", "mark=*", y == "u" ? "first" : ""});
    f.panels.push_back(p);
  }
  f.panels[0].legend_images.push_back({"mark=square*", "missing model"});
  const std::string csv = "figures/demo-group.csv";
  const std::string tex = f.render_tex(csv);
  const auto lines = lines_of(tex);

  BOOST_TEST(count(tex, "\\begin{groupplot}[group style={group size=3 by 1") == 1u);
  BOOST_TEST(count(tex, "\\end{groupplot}") == 1u);
  BOOST_TEST(count(tex, "\\begin{axis}") == 0u);
  BOOST_TEST(count(tex, "\\nextgroupplot[") == 3u);
  BOOST_TEST(count(tex, "\\addplot[") == 3u);
  BOOST_TEST(count(tex, "] {" + csv + "};") == 3u);

  // Each panel's options, then its plots, in order.
  const std::size_t p1 = tex.find("\\nextgroupplot[title={u},\n  xmode=log]"), p2 = tex.find("\\nextgroupplot[title={v},\n  xmode=log]"),
                    p3 = tex.find("\\nextgroupplot[title={w},\n  xmode=log]");
  BOOST_REQUIRE(p1 != std::string::npos);
  BOOST_REQUIRE(p2 != std::string::npos);
  BOOST_REQUIRE(p3 != std::string::npos);
  BOOST_TEST(p1 < p2);
  BOOST_TEST(p2 < p3);
  const std::size_t u = tex.find(table_plot("mark=*", "T", "u", csv)), v = tex.find(table_plot("mark=*, forget plot", "T", "v", csv)),
                    w = tex.find(table_plot("mark=*, forget plot", "T", "w", csv));
  BOOST_TEST((p1 < u && u < p2));
  BOOST_TEST((p2 < v && v < p3));
  BOOST_TEST((p3 < w && w != std::string::npos));
  // The first panel's entry and legend image, before the second panel.
  const std::size_t image = tex.find("\\addlegendimage{mark=square*}\n\\addlegendentry{missing model}\n");
  BOOST_TEST((u < image && image < p2));
  BOOST_TEST(count(tex, "\\addlegendentry{") == 2u);
  BOOST_TEST(line_after(lines, table_plot("mark=*", "T", "u", csv)) == "\\addlegendentry{first}");

  BOOST_TEST(has_line(lines, "\\caption{Group. {\\footnotesize p\\_1}}"));
  BOOST_TEST(has_line(lines, "\\label{fig:demo-group}"));
}
