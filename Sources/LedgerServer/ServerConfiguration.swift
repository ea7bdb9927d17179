import Ledger
public import LedgerModel

/// How `luoshi serve` serves one ledger.
public struct ServerConfiguration: Sendable {
    /// The ledger's folder (its bare git repository).
    public var ledgerPath: String
    public var host: String = "127.0.0.1"
    public var port: Int = 8420
    /// A PEM certificate chain and its private key: the server speaks HTTPS. Browsers give WebCrypto
    /// only to secure contexts, so a web UI reached by any name but `localhost` needs it.
    public var tls: TLSFiles?
    /// Reads, and step 1 of a write, need no session.
    public var isPublic = false
    /// No write is prepared: `POST /api/v1/events` answers 403.
    public var readOnly = false
    /// The largest request body read, in bytes (413 above it).
    public var maxBodyBytes = 4 << 20
    /// The largest evidence file the evidence store takes, in bytes (413 above it, and nothing of it kept).
    public var maxEvidenceBytes = 64 << 20
    /// The largest push taken through `/git/`, in bytes (413 above it, and nothing of it lands).
    public var maxPushBytes = 256 << 20
    /// The largest fetch request (the client's wants and haves) taken through `/git/`, in bytes.
    public var maxFetchRequestBytes = 64 << 20
    /// How many writes one actor may have prepared and not yet landed (429 above it).
    public var pendingsPerActor = 64
    /// How long a prepared write may wait for its signatures, in seconds (410 after it).
    public var pendingLifetime: Int64 = 300
    /// How long a session challenge may wait for its signature, in seconds.
    public var challengeLifetime: Int64 = 120
    /// How long a session lasts, in seconds.
    public var sessionLifetime: Int64 = 8 * 3600
    /// How long a request may take before the server answers 503 in its place, in seconds.
    public var requestTimeLimit: Int64 = 120
    /// How long a writer's turn lasts at most: from its prepare to its signature's landing, other
    /// writers through this server wait (`WriteTurns`); a client slower than this to sign loses its
    /// turn, and its signature answers `409` with a fresh pending.
    public var writeTurn: Duration = .seconds(2)
    /// What time it is for the server: sessions, pendings and the ledger's own clock.
    public var clock: @Sendable () -> Timestamp = { .now }

    public struct TLSFiles: Sendable {
        public var certificate: String
        public var privateKey: String
        public init(certificate: String, privateKey: String) { self.certificate = certificate; self.privateKey = privateKey }
    }

    public init(ledgerPath: String) { self.ledgerPath = ledgerPath }
}
