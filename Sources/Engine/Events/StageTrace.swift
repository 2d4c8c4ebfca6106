import Risk

/// The chain's notes on one intent, stage by stage (`RiskChain.trace`), kept inline (up to
/// eight) so a decision crosses the ring as one plain value.
package struct StageTrace: Sendable, BitwiseCopyable {
    /// The inline room: eight notes, more than the chain has stages.
    package typealias Slots = (StageNote, StageNote, StageNote, StageNote, StageNote, StageNote, StageNote, StageNote)
    /// Eight placeholder notes.
    package static let emptySlots: Slots = (.empty, .empty, .empty, .empty, .empty, .empty, .empty, .empty)
    /// Notes kept at most.
    package static let capacity = 8

    package private(set) var count: Int = 0
    private var slots: Slots = Self.emptySlots

    /// Up to eight notes of `notes`. Allocates nothing.
    package init(_ notes: [StageNote]) {
        count = min(notes.count, Self.capacity)
        let count = self.count
        withUnsafeMutableBytes(of: &slots) { raw in
            let typed = raw.bindMemory(to: StageNote.self)
            for index in 0..<count { typed[index] = notes[index] }
        }
    }

    /// One note: an intent refused before the chain (by the host's validation).
    package init(single note: StageNote) {
        count = 1
        slots.0 = note
    }

    /// The notes, in stage order (allocates: for the projections, off the event loop).
    package var notes: [StageNote] {
        withUnsafeBytes(of: slots) { raw in Array(raw.bindMemory(to: StageNote.self).prefix(count)) }
    }
}

extension StageNote {
    /// A placeholder for unused trace slots.
    package static let empty = StageNote(stage: .validation, code: .none, quantityIn: 0, quantityOut: 0)
}
