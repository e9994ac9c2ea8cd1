/// The in-memory form of a prepared dataset: everything the trainer and the
/// evaluator need, built from the *train* part of a split only.
///
/// Dense ids are per view; id 0 is reserved (padding / unknown) in every view,
/// so `vocabulary[0]` is a placeholder and real nodes start at 1.
public struct PreparedDataset: Sendable {
    /// Views in a fixed order; `views[0]` is always the item view (named "item").
    public var views: [ViewData]
    /// One item → attribute relation per attribute view (every view but the item view).
    public var relations: [ItemRelation]
    /// Per-user evaluation data (train history and held-out items).
    public var users: [UserHistory]
    /// Display metadata per item dense id (index 0 is the reserved placeholder). A dataset made
    /// by `DatasetBuilder` or read from a directory makes them on access from the vocabulary,
    /// names and relations (O(items): read them once); setting them stores them.
    public var items: [ItemInfo] {
        get { itemStorage.items }
        set { itemStorage = .stored(newValue) }
    }
    /// How the items are held (see `DerivedItemInfo`).
    var itemStorage: ItemStorage
    /// Number of items including the placeholder, without making them.
    public var itemCount: Int { itemStorage.count }
    /// Free-form description of where the data came from (file names, split, cut-off).
    public var source: [String: String]

    public init(views: [ViewData], relations: [ItemRelation], users: [UserHistory],
                items: [ItemInfo], source: [String: String] = [:]) {
        self.views = views
        self.relations = relations
        self.users = users
        self.itemStorage = .stored(items)
        self.source = source
    }

    /// The item view.
    public var itemView: ViewData { views[0] }

    /// The view with the given name, if any.
    public func view(named name: String) -> ViewData? { views.first { $0.name == name } }
}

/// One view's node sequences and vocabulary.
public struct ViewData: Sendable {
    /// View name: "item", "category", "shop", "director", ...
    public var name: String
    /// External id of each dense id; `vocabulary[0]` is the reserved placeholder.
    public var vocabulary: [String]
    /// Occurrences of each node in the train sequences (index 0 is 0); used for unigram^0.75 noise.
    public var counts: [Int64]
    /// Per-session node sequences after consecutive-duplicate removal.
    public var sequences: SequenceSet
    /// Directed edges between consecutive nodes with their multiplicity.
    public var edges: [Edge]

    public init(name: String, vocabulary: [String], counts: [Int64], sequences: SequenceSet, edges: [Edge]) {
        self.name = name
        self.vocabulary = vocabulary
        self.counts = counts
        self.sequences = sequences
        self.edges = edges
    }

    /// Number of dense ids including the reserved 0.
    public var nodeCount: Int { vocabulary.count }
}

/// Variable-length sequences stored flat: sequence `i` is `tokens[offsets[i]..<offsets[i+1]]`.
public struct SequenceSet: Sendable, Equatable {
    public var tokens: [Int32]
    /// `count + 1` offsets, starting at 0.
    public var offsets: [Int]

    public init(tokens: [Int32] = [], offsets: [Int] = [0]) {
        self.tokens = tokens
        self.offsets = offsets
    }

    /// Builds a set from nested arrays (convenient for tests).
    public init(_ sequences: [[Int32]]) {
        self.init()
        for s in sequences { append(s) }
    }

    public var count: Int { offsets.count - 1 }

    public subscript(i: Int) -> ArraySlice<Int32> { tokens[offsets[i]..<offsets[i + 1]] }

    public mutating func append<S: Sequence>(_ sequence: S) where S.Element == Int32 {
        tokens.append(contentsOf: sequence)
        offsets.append(tokens.count)
    }
}

/// A directed edge `source → target` seen `count` times between consecutive nodes.
public struct Edge: Sendable, Hashable {
    public var source: Int32
    public var target: Int32
    public var count: Int64
    public init(source: Int32, target: Int32, count: Int64) {
        self.source = source
        self.target = target
        self.count = count
    }
}

/// One user's evaluation data.
public struct UserHistory: Sendable {
    /// External user id.
    public var user: String
    /// Train items in time order (item dense ids, never 0).
    public var trainItems: [Int32]
    /// Distinct held-out items: dense ids, with 0 for items unknown to the train vocabulary (cold).
    public var heldOutItems: [Int32]
    /// Number of distinct held-out items including cold ones (the Recall denominator).
    public var heldOutCount: Int

    public init(user: String, trainItems: [Int32], heldOutItems: [Int32], heldOutCount: Int) {
        self.user = user
        self.trainItems = trainItems
        self.heldOutItems = heldOutItems
        self.heldOutCount = heldOutCount
    }
}

/// Display metadata of one item.
public struct ItemInfo: Sendable, Equatable {
    /// External item id.
    public var id: String
    /// Human-readable name (a movie title), or the id when none is known.
    public var displayName: String
    /// Attribute values by view name ("category" → "Comedy").
    public var attributes: [String: String]

    public init(id: String, displayName: String, attributes: [String: String] = [:]) {
        self.id = id
        self.displayName = displayName
        self.attributes = attributes
    }
}
