extension Phrase {
    /// 中文界面用语。
    var chinese: String {
        switch self {
        case .product: "洛书 · 政策执行台账"
        case .directives: "上级部署"
        case .home: "首页"
        case .language: "语言"
        case .directive: "编号"
        case .title: "标题"
        case .version: "版本"
        case .issuer: "发布单位"
        case .issued: "发布日期"
        case .adopted: "已制定方案"
        case .reported: "已报告进展"
        case .done: "已完成"
        case .flags: "提示"
        case .noDirectives: "台账中还没有上级部署。"
        case .ledgerHead: "台账当前版本"
        case .directivesCount: "项部署"
        case .signInNeeded: "需要登录"
        case .signInNeededDetail: "本服务器只向已登录的用户显示台账。请用本人的密钥登录后再查看。"
        }
    }
}
