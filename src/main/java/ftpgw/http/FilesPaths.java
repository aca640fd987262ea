package ftpgw.http;

/** Small facts about '/'-separated FTP paths ("" is the top folder). */
final class FilesPaths {
  private FilesPaths() {}

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  static String child(String folder, String name) {
    return folder.isEmpty() ? name : folder + "/" + name;
  }
}
