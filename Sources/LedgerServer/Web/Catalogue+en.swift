extension Phrase {
    /// The English interface.
    var english: String {
        switch self {
        case .product: "Luoshi · implementation ledger"
        case .directives: "Directives"
        case .home: "Home"
        case .language: "Language"
        case .directive: "Directive"
        case .title: "Title"
        case .version: "Version"
        case .issuer: "Issued by"
        case .issued: "Issued"
        case .adopted: "Plans adopted"
        case .reported: "Clauses reported"
        case .done: "Done"
        case .flags: "Flags"
        case .noDirectives: "The ledger holds no directive yet."
        case .ledgerHead: "Ledger at"
        case .directivesCount: "directives"
        case .signInNeeded: "Sign in needed"
        case .signInNeededDetail: "This server shows the ledger only to people who have signed in. Sign in with your own key to read it."
        }
    }
}
