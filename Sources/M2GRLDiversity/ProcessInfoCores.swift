import Foundation

/// The number of cores to use when a configuration says "all" (0 threads).
enum ProcessInfoCores {
    static var active: Int { ProcessInfo.processInfo.activeProcessorCount }
}
