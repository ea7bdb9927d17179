import Fidelity
import Ledger
import LedgerModel

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
        case .allDirectives: "全部上级部署"
        case .versions: "个版本"
        case .issuedVersion: "发布"
        case .amendedVersion: "修订"
        case .clause: "条款"
        case .targets: "指标"
        case .deadline: "期限"
        case .clauseAdded: "本版新增"
        case .clauseRemoved: "本版删除"
        case .changedFromPrevious: "与上一版相比：删去的文字划线，新增的文字加下划线。"
        case .signedGood: "签名有效"
        case .signedBad: "签名无效"
        case .unsigned: "未签名"
        case .signedUnknownKey: "签名密钥不属于该用户"
        case .must: "必须"
        case .should: "应当"
        case .may: "可以"
        case .mustNot: "不得"
        case .shouldNot: "不宜"
        case .somethingWrong: "无法显示此页"
        case .matrix: "执行矩阵"
        case .unit: "单位"
        case .level: "层级"
        case .adoption: "方案"
        case .anyLevel: "全部层级"
        case .anyClass: "全部解读"
        case .anyFlag: "全部提示"
        case .unitContains: "单位编号包含"
        case .filter: "筛选"
        case .nextPage: "下一页"
        case .firstPage: "第一页"
        case .unitsShown: "个单位符合条件"
        case .byLevel: "各层级进展"
        case .noUnitsMatch: "没有符合条件的单位。"
        case .noReport: "未报告"
        case .openMatrix: "查看执行矩阵"
        case .reading: "解读"
        case .allFlags: "全部提示"
        case .kind: "类型"
        case .evidence: "依据"
        case .finding: "督查发现"
        case .noFlags: "没有符合条件的提示。"
        case .flagsShown: "条提示符合条件"
        case .anyDirective: "全部部署"
        case .previousPage: "上一页"
        case .plan: "本单位方案"
        case .basis: "依据"
        case .basisIsDirective: "依据：上级部署"
        case .basisIsPlan: "依据：上级方案"
        case .changes: "改动"
        case .omitted: "未纳入方案"
        case .declared: "已申请豁免"
        case .approved: "豁免已批准"
        case .addedHere: "本级新增条款"
        case .asOf: "截至日期"
        case .show: "查看"
        case .behindBy: "所依据的部署已有新版本：落后"
        }
    }
}

extension FidelityClass {
    var chinese: String {
        switch self {
        case .faithful: "忠实"
        case .reworded: "改写"
        case .weakened: "弱化"
        case .strengthened: "加码"
        case .mixed: "有增有减"
        case .omitted: "遗漏"
        }
    }
}

extension FlagKind {
    var chinese: String {
        switch self {
        case .notAdopted: "未制定方案"
        case .selective: "选择性执行"
        case .adapted: "变通执行"
        case .escalated: "层层加码"
        case .notLocalized: "照抄照搬"
        case .paperOnly: "以文件落实文件"
        case .unverifiedDone: "完成无佐证"
        case .targetMissed: "未达指标"
        case .backdated: "倒签日期"
        case .deadlineRush: "临期突击"
        case .reusedEvidence: "重复使用佐证"
        case .stale: "久未报告"
        case .overdue: "逾期"
        case .openLoop: "整改未闭环"
        case .burden: "报送负担过重"
        case .hiddenText: "隐藏字符"
        }
    }
}

extension ProgressStatus {
    var chinese: String {
        switch self {
        case .notStarted: "未开始"
        case .inProgress: "推进中"
        case .done: "已完成"
        case .blocked: "受阻"
        }
    }
}

extension AdoptionState {
    var chinese: String {
        switch self {
        case .adopted: "已制定"
        case .notAdopted: "未制定"
        case .behind: "依据旧版"
        }
    }
}

extension Effect {
    var chinese: String {
        switch self {
        case .looser: "放宽"
        case .tighter: "收紧"
        case .neutral: "中性"
        }
    }
}
