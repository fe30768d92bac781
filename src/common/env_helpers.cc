#include "common/env.h"

namespace blockdb {

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/') {
    out += '/';
  }
  out += name;
  return out;
}

std::string DirName(std::string_view path) {
  size_t pos = path.rfind('/');
  if (pos == std::string_view::npos) {
    return ".";
  }
  if (pos == 0) {
    return "/";
  }
  return std::string(path.substr(0, pos));
}

std::string BaseName(std::string_view path) {
  size_t pos = path.rfind('/');
  return std::string(pos == std::string_view::npos ? path : path.substr(pos + 1));
}

Status WriteStringToFileSync(Env* env, std::string_view data, const std::string& path) {
  ASSIGN_OR_RETURN(auto file, env->NewWritableFile(path));
  RETURN_IF_ERROR(file->Append(data));
  RETURN_IF_ERROR(file->Sync());
  return file->Close();
}

Result<std::string> ReadFileToString(Env* env, const std::string& path) {
  ASSIGN_OR_RETURN(auto file, env->NewSequentialFile(path));
  std::string out;
  std::string chunk;
  while (true) {
    RETURN_IF_ERROR(file->Read(1 << 16, &chunk));
    if (chunk.empty()) {
      break;
    }
    out += chunk;
  }
  return out;
}

}  // namespace blockdb
