// For tests: a folder laid out exactly as the kubelet's atomic writer lays out
// a ConfigMap (or Secret) volume, and updated the way it updates one; and a
// git-sync root whose `current` link is switched to a new worktree.
//
//   <dir>/..2026_12_07_12_00_00.<n>/<files>     the content, in a hidden folder
//   <dir>/..data -> ..2026_12_07_12_00_00.<n>  (symlink)
//   <dir>/<name> -> ..data/<name>              (one symlink per top-level name)
//
// An update (kubernetes/pkg/volume/util/atomic_writer.go) writes a new hidden
// folder, points a `..data_tmp` link at it, renames that over `..data`, adds
// links for new top-level names, removes those of names gone, and removes the
// old folder.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

namespace tollgate::policies::testing {

inline void write_text_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

class AtomicWriterVolume {
 public:
  // relative path (may contain '/', as a ConfigMap item's `path` may) -> content
  using Files = std::map<std::string, std::string>;

  explicit AtomicWriterVolume(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
  }

  const std::filesystem::path& dir() const { return dir_; }
  std::string path() const { return dir_.string(); }
  // The hidden folder holding the current content.
  std::filesystem::path data_folder() const { return dir_ / current_; }

  // Writes `files` as the volume's new content, as the kubelet does.
  void publish(const Files& files) {
    namespace fs = std::filesystem;
    int generation = generation_++;
    std::string folder = "..2026_12_07_12_00_0" + std::to_string(generation % 10) + "." +
                         std::to_string(123456789 + generation);
    for (const auto& [name, text] : files) write_text_file(dir_ / folder / name, text);
    fs::create_directory_symlink(folder, dir_ / "..data_tmp");
    fs::rename(dir_ / "..data_tmp", dir_ / "..data");
    std::set<std::string> names;
    for (const auto& [name, text] : files) names.insert(fs::path(name).begin()->string());
    for (const std::string& name : names) {
      std::error_code exists;
      if (!fs::is_symlink(dir_ / name, exists)) fs::create_symlink(fs::path("..data") / name, dir_ / name);
    }
    for (const std::string& name : names_) {
      if (!names.count(name)) fs::remove(dir_ / name);
    }
    if (!current_.empty()) fs::remove_all(dir_ / current_);
    names_ = std::move(names);
    current_ = folder;
  }

 private:
  std::filesystem::path dir_;
  std::string current_;
  std::set<std::string> names_;
  int generation_ = 0;
};

// git-sync's layout: <root>/.worktrees/<sha>/... and <root>/current ->
// .worktrees/<sha>, switched by renaming a new link over `current`.
class GitSyncRoot {
 public:
  explicit GitSyncRoot(std::filesystem::path root) : root_(std::move(root)) {
    std::filesystem::create_directories(root_ / ".worktrees");
  }
  std::filesystem::path current() const { return root_ / "current"; }

  // Checks `files` out as a new worktree and switches `current` to it; the
  // old worktree is removed, as git-sync does.
  void check_out(const std::string& sha, const std::map<std::string, std::string>& files) {
    namespace fs = std::filesystem;
    fs::path worktree = fs::path(".worktrees") / sha;
    for (const auto& [name, text] : files) write_text_file(root_ / worktree / name, text);
    fs::create_directory_symlink(worktree, root_ / "current-tmp");
    fs::rename(root_ / "current-tmp", root_ / "current");
    if (!previous_.empty()) fs::remove_all(root_ / previous_);
    previous_ = worktree;
  }

 private:
  std::filesystem::path root_;
  std::filesystem::path previous_;
};

}  // namespace tollgate::policies::testing
