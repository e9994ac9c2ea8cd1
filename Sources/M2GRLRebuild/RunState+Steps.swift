import Foundation
import M2GRLCore
import M2GRLData
import M2GRLTrainer
import Snapshot

extension RunState {
    /// Removes work directories of earlier (dead or failed) runs; we hold the lock, so none is in use.
    mutating func removeOldWork() throws(RebuildError) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: paths.work.path)) ?? []
        var notes: [String] = []
        for name in names.sorted() where name != report.runID {
            try DurableOps.remove(paths.work.appendingPathComponent(name))
            notes.append("removed work directory \(name)")
        }
        return notes
    }

    /// Reads the window and writes the cutoff split (train before the newest day, newest day held out).
    mutating func prepare(_ window: LogWindow) throws -> String {
        let out = paths.work(report.runID).appendingPathComponent("data")
        let options = PrepareOptions(input: .logs(window.files), output: out, splits: [.cutoff(window.cutoff)])
        let prepared: PrepareReport
        do { prepared = try DatasetPreparer.run(options) } catch {
            if let e = error as? DataError, e.code == .emptyInput || e.code == .fileNotFound {
                throw RebuildError(.input, "prepare: \(e)")
            }
            throw RebuildError(.stepFailed, "prepare: \(error)")
        }
        let split = prepared.splits[0]
        report.candidate = GateMetrics(windowEvents: prepared.input.cleanedEvents, newestDayEvents: split.heldOutEvents,
                                       items: prepared.input.items)
        guard split.trainEvents > 0 else {
            throw RebuildError(.input, "no events before the newest day \(window.newestDay.date): nothing to train on")
        }
        dataset = try PreparedDataset.read(from: out.appendingPathComponent(split.split))
        return "\(prepared.input.cleanedEvents) events (\(split.trainEvents) train, \(split.heldOutEvents) held out), \(prepared.input.items) items, \(split.users) users"
    }

    /// Trains on the window before the newest day, warm-started from the live bundle when it fits.
    mutating func train(_ config: TrainingConfiguration) throws -> String {
        var options = TrainingOptions()
        options.progress = runner.options.trainingProgress
        options.shouldStop = runner.options.shouldStop
        // The trainer's last-epoch checkpoint (input and output vectors, W, task weights) is kept with the bundle.
        options.checkpointDirectory = paths.work(report.runID).appendingPathComponent("checkpoint")
        if let live = baseline?.bundle {
            let item = live.table(named: "item")
            if item?.dimension == config.dimension {
                if let checkpoint = baseline?.checkpoint {
                    options.warmStart = try WarmStart(checkpointDirectory: checkpoint)
                    report.warmStart = "live checkpoint \(checkpoint.path)"
                } else {
                    options.warmStart = try WarmStart(bundle: live)
                    report.warmStart = "live bundle \(baseline!.bundleNote) (no checkpoint: output vectors start at zero)"
                }
            } else {
                report.warmStart = "cold start: live model has dimension \(item?.dimension ?? 0), this run \(config.dimension)"
            }
        } else {
            report.warmStart = "cold start: " + (baseline?.bundleNote ?? "no live snapshot")
        }
        log("  warm start: \(report.warmStart!)")
        let outcome = try TrainingPipeline(config: config, options: options).run(data: dataset!, validation: nil) { [log] line in
            log("  train: " + line.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        if outcome.result.interrupted { throw RebuildError(.interrupted, "interrupted during training") }
        bundle = outcome.bundle
        return "\(outcome.result.epochs.count) epochs, tables \(outcome.bundle.tables.map(\.name).joined(separator: ", "))"
    }

    /// Recall@K of the candidate and of the live model on the same held-out newest day; annotates the bundle.
    mutating func evaluate() throws -> String {
        let k = configuration.gateK
        let evaluator = try RetrievalEvaluator(dataset: dataset!, k: k)
        guard evaluator.hasHeldOut else {
            throw RebuildError(.gateRejected, "the newest day holds no evaluable events (no user with history before it came back)")
        }
        guard let item = bundle!.table(named: "item") else { throw RebuildError(.stepFailed, "the trained model has no item table") }
        // The trainer already scored the held-out day (`<split>.recall@K`); score it here only when it did not.
        let scored = bundle!.metrics.first { $0.key.hasSuffix(".recall@\(k)") }
        let recall = scored?.value ?? evaluator.evaluate(table: item).recallMean
        report.candidate?.recall = recall
        report.candidate?.recallSource = "candidate on \(report.window.last ?? "?")"
        var detail = String(format: "candidate Recall@%d %.4f", k, recall)
        if let baseline {
            var live = baseline.recordedMetrics(k: k)
            if let liveItem = baseline.bundle?.table(named: "item") {
                live.recall = evaluator.evaluate(table: liveItem).recallMean
                live.recallSource = "live bundle on the same held-out day"
            }
            report.live = live
            if let r = live.recall { detail += String(format: ", live %.4f (%@)", r, live.recallSource ?? "") }
        }
        let w = window!
        bundle!.configuration[RebuildPaths.runIDKey] = report.runID
        bundle!.metrics["rebuild.recall@\(k)"] = recall
        bundle!.dataWindow["rebuild.window"] = w.days.map(\.date).joined(separator: ",")
        bundle!.dataWindow["rebuild.newest_day"] = w.newestDay.date
        bundle!.dataWindow["rebuild.cutoff"] = String(w.cutoff)
        if let c = report.candidate {
            bundle!.dataWindow["rebuild.window_events"] = c.windowEvents.map(String.init)
            bundle!.dataWindow["rebuild.newest_day_events"] = c.newestDayEvents.map(String.init)
            bundle!.dataWindow["rebuild.items"] = c.items.map(String.init)
        }
        return detail
    }

    /// RELOAD on every configured server; failures are recorded (the snapshot is already live).
    mutating func reloadServers() throws -> String {
        let servers = try configuration.serverAddresses()
        guard !servers.isEmpty else { return "no servers configured" }
        let notifier = ServerNotifier(servers: servers, adminToken: configuration.resolvedAdminToken(),
                                      timeoutSeconds: configuration.reloadTimeoutSeconds)
        report.reloads = notifier.reloadAll(expecting: report.publishedVersion)
        let failed = report.reloads.filter { !$0.ok }
        for r in failed { log("  reload \(r.server) FAILED: \(r.error ?? "?")") }
        return "\(report.reloads.count - failed.count)/\(report.reloads.count) servers reloaded"
    }

    /// Up to date: reloads only servers not serving the live version (a run killed after publishing
    /// but before reloading left them behind).
    mutating func reloadServersBehind(live: String) throws -> String {
        let servers = try configuration.serverAddresses()
        guard !servers.isEmpty else { return "no servers configured" }
        let notifier = ServerNotifier(servers: servers, adminToken: configuration.resolvedAdminToken(),
                                      timeoutSeconds: configuration.reloadTimeoutSeconds)
        report.reloads = notifier.reloadBehind(expecting: live)
        let failed = report.reloads.filter { !$0.ok }
        if !failed.isEmpty {
            report.status = .failed
            report.exitStatus = RebuildError.exitStatus(for: .reloadFailed)
            report.reason = "\(failed.count) server(s) do not serve the live \(live) and did not reload: "
                + failed.map { "\($0.server): \($0.error ?? "?")" }.joined(separator: "; ")
        }
        return "\(servers.count - report.reloads.count) servers already serve \(live), \(report.reloads.count - failed.count) reloaded"
    }

    /// Prunes snapshot versions (keep N, never current) and bundles no remaining version refers to;
    /// then turns reload failures into the run's outcome.
    mutating func prune(_ store: SnapshotStore) throws -> String {
        report.prunedVersions = try store.prune(keep: configuration.keepVersions)
        var referenced: Set<String> = [report.runID]
        for v in try store.list() {
            if let m = try? SnapshotLoader.readManifest(in: paths.snapshots.appendingPathComponent(v)),
               let run = m.configuration[RebuildPaths.runIDKey] { referenced.insert(run) }
        }
        var removedBundles = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: paths.bundles.path)) ?? [] where !referenced.contains(name) {
            try DurableOps.remove(paths.bundles.appendingPathComponent(name))
            removedBundles += 1
        }
        let failed = report.reloads.filter { !$0.ok }
        if !failed.isEmpty {
            report.status = .failed
            report.exitStatus = RebuildError.exitStatus(for: .reloadFailed)
            report.reason = "published \(report.publishedVersion ?? "?") but \(failed.count) server(s) did not reload: "
                + failed.map { "\($0.server): \($0.error ?? "?")" }.joined(separator: "; ")
        }
        return "removed \(report.prunedVersions.count) versions, \(removedBundles) bundles"
    }
}
