import Foundation

/// The up-front check of an output directory, shared by every command that writes one (`prepare`,
/// `train`, `train-diversity`): a long run must not end in "cannot create the output directory".
public enum OutputPathCheck {
    /// Why no directory can be written at `url`, or nil when it is a directory or can be created as
    /// one. Looks at `url` itself, or else at its nearest existing ancestor: a regular file there
    /// (`url` itself: "… is a file, not a directory"; an ancestor: "… cannot be created: A is a
    /// file") or an ancestor that is not writable blocks it. Creates nothing.
    public static func problem(with url: URL) -> String? {
        let fm = FileManager.default
        let path = url.standardizedFileURL.path
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            return isDirectory.boolValue ? nil : "\(path) is a file, not a directory"
        }
        var ancestor = url.standardizedFileURL.deletingLastPathComponent()
        while !fm.fileExists(atPath: ancestor.path, isDirectory: &isDirectory), ancestor.path != "/" {
            ancestor = ancestor.deletingLastPathComponent()
        }
        guard isDirectory.boolValue else { return "\(path) cannot be created: \(ancestor.path) is a file" }
        guard fm.isWritableFile(atPath: ancestor.path) else { return "\(path) cannot be created: \(ancestor.path) is not writable" }
        return nil
    }
}
