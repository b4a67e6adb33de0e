// `freelunch list`: the theorems, their paper numbering, and what is implemented.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/registry.hpp"

namespace freelunch::cli::list_command {
namespace {

void run_list() {
  std::printf("%-4s %-8s %-8s %-12s %s\n", "id", "v2", "v1", "status", "claim");
  for (const ProofEntry& e : proof_registry())
    std::printf("%-4s %-8s %-8s %-12s %s\n", e.id.c_str(), e.v2.c_str(), e.v1.c_str(),
                e.run ? "implemented" : "planned", e.title.c_str());
}

}  // namespace
}  // namespace freelunch::cli::list_command

namespace freelunch::cli {

void setup_list(CLI::App& app) {
  using namespace list_command;
  CLI::App* sub = app.add_subcommand("list", "The theorems with paper numbering (v2, v1) and what is implemented");
  sub->callback(run_list);
}

}  // namespace freelunch::cli
