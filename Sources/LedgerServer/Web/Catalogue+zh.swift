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
        case .signIn: "登录"
        case .signOut: "退出"
        case .signedInAs: "已登录："
        case .signInTitle: "用本人密钥登录"
        case .signInIntro: "打开本人的 OpenSSH ed25519 密钥文件（ssh-keygen 生成的格式），并填写操作者编号。页面用它签署服务器的挑战；密钥不会离开本页面。"
        case .actorField: "操作者编号"
        case .keyFile: "密钥文件"
        case .passphrase: "口令"
        case .passphraseHint: "密钥有口令时填写"
        case .keyStays: "在各页面之间浏览时，密钥只保存在本页面的内存中；退出或刷新页面即被清除。"
        case .needsScript: "签名在页面中进行，需要启用脚本；阅读无需脚本。"
        case .keyHeld: "密钥已在本页面打开，签名身份："
        case .reportProgress: "报告进展"
        case .reportIntro: "就本单位方案的一项条款报告一次进展，在本页面用本人密钥签名。"
        case .status: "状态"
        case .values: "指标完成值"
        case .evidenceFiles: "佐证文件（在本地计算哈希，文件不上传）"
        case .evidenceKind: "佐证类型"
        case .note: "说明"
        case .submitReport: "核对并签署报告"
        case .notAdopted: "本单位尚未制定该文件的落实方案，无从报告进展。"
        case .noClauses: "方案中没有条款。"
        case .downloadCSV: "下载 CSV 表格"
        case .editPlan: "修改落实方案"
        case .editPlanIntro: "对照所依据的部署修改方案条款。修改时，每项条款旁显示台账将如何判读，以及本单位将被提示哪些问题；签名之前不会写入。"
        case .flagsIfSigned: "签署后本单位将被提示的问题"
        case .previewCurrent: "按方案现状。"
        case .submitPlan: "核对并签署方案"
        case .clauseText: "条款内容"
        case .modality: "约束程度"
        case .dropClause: "从方案中删去此条"
        case .adoptDirective: "采纳部署（制定实施方案）"
        case .notInScope: "该单位不在本部署的实施范围内，无需采纳。"
        case .adoptedAlready: "该单位已采纳本部署。"
        case .openPlan: "查看其实施方案"
        case .adoptIntro: "实施方案先照录所依据的文本；之后在方案编辑页修改，每项改动在签名前都会对照依据判读。"
        case .adoptFrom: "依据"
        case .theDirectiveItself: "部署原文"
        case .thePlanOf: "上级方案："
        case .approveExemption: "批准豁免"
        case .exemptionReason: "申报理由："
        case .approvedBy: "批准人"
        case .holdAccountable: "问责"
        case .decision: "问责决定"
        case .heldTarget: "问责对象（人员或单位编号）"
        case .admin: "管理"
        case .name: "名称"
        case .roles: "职责"
        case .publicKeys: "公钥（每行一个 ssh-ed25519 公钥）"
        case .revokeKey: "吊销此密钥"
        case .revokedOn: "已吊销"
        case .policy: "规则阈值"
        case .registerUnit: "登记单位"
        case .registerActor: "登记人员"
        case .setPolicy: "修改规则阈值"
        case .actors: "人员"
        case .registerUnitIntro: "单位隶属于上级单位：编号为上级编号加斜杠再加本级简称（如 cn/hedong/dongpo）。"
        case .unitID: "单位编号"
        case .registerActorIntro: "人员使用此处登记的密钥、以所填单位和职责签名。请粘贴公钥（.pub 文件中的一行），切勿粘贴私钥。"
        case .revokeIntro: "此前用该密钥签署的提交仍然有效；此后用它签署的一律不予接受。"
        case .policyIntro: "各项问题提示所依据的阈值。只写入您修改的数值。"
        case .policyAdoptWithinDays: "部署下发后各单位应制定实施方案的期限（天）"
        case .policyBackdateDays: "报送所述截至日期早于提交时间超过此天数即提示倒签"
        case .policyRushShare: "在截止日前集中报送的比例超过此值即提示突击报送（大于 0，不超过 1）"
        case .policyRushWindowDays: "截止日前计入突击报送的天数"
        case .policyStaleDays: "超过此天数未报送且未完成的方案视为停滞"
        case .policyExamineWithinDays: "督查方核查整改的期限（天），逾期即提示未闭环"
        case .policyMaxReportsPerMonth: "单位每月应报送次数（各部署合计）超过此值即提示报送负担过重"
        case .policyMaxTimeSkewDays: "提交时间早于上一提交超过此天数（离线补录）时校验提出异议"
        case .reasonField: "本条偏离依据的理由（放宽要求时必填）"
        case .reasonGiven: "所述理由："
        case .uploadEvidence: "同时将文件存入本服务器的佐证材料库，便于督查方调阅（无论是否存入，报送都以 SHA-256 标明文件）"
        case .exemptionReasonField: "如删去：向督查方申报的豁免理由"
        case .jsPreviewing: "正在判读修改后的方案……"
        case .jsPreviewShown: "签署后方案将如此判读。"
        case .jsPreviewFailed: "修改后的方案无法判读：%1"
        case .jsOmitted: "未纳入方案"
        case .jsClause: "条款"
        case .findings: "督查问题"
        case .allFindings: "全部问题"
        case .noFindings: "没有符合条件的问题。"
        case .overdueSince: "已逾期，期限"
        case .due: "整改期限"
        case .severity: "严重程度"
        case .state: "状态"
        case .findingText: "发现的问题"
        case .verdict: "核查结论"
        case .verdictVerified: "已整改到位：销号"
        case .verdictReopened: "未整改到位：重新打开"
        case .closeFinding: "核查销号或重新打开"
        case .openFinding: "立项督查问题"
        case .openFindingFromFlag: "立项督查"
        case .stepOpen: "立项"
        case .stepRectify: "整改"
        case .stepClose: "核查"
        case .stepHold: "问责"
        case .writeCheckpoint: "写入检查点"
        case .checkpointIntro: "检查点确认本页面显示的台账版本：其提交和标签都在本页面用您的密钥签名，见证人可随后会签。"
        case .history: "变更记录"
        case .verification: "校验"
        case .verificationRunning: "服务器正在从上次校验过的版本起校验台账。"
        case .verificationOK: "服务器启动时台账校验通过：每个提交都由其操作者签名，每条规则都得到遵守。"
        case .verificationFailed: "服务器启动时台账校验未通过，现以只读方式提供。"
        case .verifiedUpTo: "已校验至"
        case .checkpoints: "检查点"
        case .noCheckpoints: "尚无检查点。"
        case .checkpoint: "检查点"
        case .time: "时间"
        case .commit: "提交"
        case .action: "操作"
        case .subject: "摘要"
        case .signature: "签名"
        case .attests: "确认的版本"
        case .witnesses: "见证人"
        case .noWitnesses: "暂无"
        case .log: "提交记录"
        case .since: "起"
        case .until: "止"
        case .commitsShown: "个提交符合条件"
        case .burden: "报送负担"
        case .burdenIntro: "各单位每月需向已印发文件报送的次数，按文件分列并合计，负担最重者在前，并与政策规定的上限对照。"
        case .reportsPerMonth: "每月报送次数"
        case .limit: "上限"
        case .allUnits: "全部单位"
        case .overLimit: "超过上限"
        case .sheetTitle: "用表格报告进展"
        case .sheetIntro: "每行一条进展报告。签名之前先核对每一行；全部无误后，每行在本页面签名，成为一个提交。"
        case .sheetTemplate: "下载模板"
        case .sheetFile: "表格文件（CSV，UTF-8 或 GB18030）"
        case .sheetCheck: "核对表格"
        case .sheetSign: "签署全部报告"
        case .sheetRow: "行"
        case .sheetProblems: "需要改正"
        case .sheetRowOK: "无误"
        case .sheetCount: "共 %1 行，%2 处问题"
        case .sheetSigned: "第 %1 行（共 %2 行）已签名并写入：提交 %3"
        case .fromSheet: "用表格报告"
        case .ladder: "从上级部署到本单位的逐级链条"
        case .progressTimeline: "进展记录（最新在前）"
        case .wholeHistory: "本方案的全部变更记录"
        case .rectifyFinding: "报告整改情况"
        case .rectifyText: "整改了什么"
        case .witnessCheckpoint: "见证"
        case .witnessIntro: "作为督查人员会签此检查点：在检查点标签上加签一个标签，在本页面用您的密钥签名；此后改写其确认的版本，两个签名都会失效。"
        case .jsReasonNeeded: "第 %1 条放宽了所依据的要求：请先在理由一栏说明原因，再签名。"
        case .jsUploading: "正在将佐证文件 %1 存入服务器…"
        case .jsUploadFailed: "佐证文件 %1 未能存入，未签署任何内容：%2"
        case .jsLandedTag: "已签名并写入：%1。"
        case .units: "单位数"
        case .clauses: "条款数"
        case .headShown: "台账版本"
        case .jsOpening: "正在打开密钥并登录……"
        case .jsKeyNotOpenSSH: "该文件不是 OpenSSH 私钥：应以 -----BEGIN OPENSSH PRIVATE KEY----- 开头。"
        case .jsKeyCipher: "该密钥以 %1 加密；洛书只能打开 ssh-keygen 生成的密钥（aes256-ctr 与 bcrypt）。"
        case .jsKeyNeedsPassphrase: "该密钥设有口令：请输入口令后重试。"
        case .jsKeyWrongPassphrase: "口令无法打开该密钥：请重新输入。"
        case .jsKeyNotEd25519: "这是 %1 密钥；洛书使用 ed25519 密钥签名（ssh-keygen -t ed25519）。"
        case .jsNoKey: "请先打开密钥文件再签名。"
        case .jsNoWebCrypto: "本浏览器无法在此签名：WebCrypto 需要 HTTPS 或 localhost，并支持 Ed25519。"
        case .jsChecking: "正在核对服务器请求签署的内容……"
        case .jsCheckTreeBad: "未签名：服务器发来的目录树无法读取。"
        case .jsCheckTag: "未签名：标签 %1 不是所请求的标签。"
        case .jsCheckParent: "未签名：该提交的父提交是 %1，而不是本页面显示的台账版本（%2）。"
        case .jsCheckAction: "未签名：该提交记载的操作是 %1，而不是 %2。"
        case .jsCheckTrailer: "未签名：该提交没有记载 %1 %2。"
        case .jsCheckTree: "未签名：目录树 %1 的哈希与其编号不符。"
        case .jsCheckBlob: "未签名：记录 %1 的哈希与目录树所载不符。"
        case .jsCheckPath: "未签名：提交的目录树中 %1 与所述改动不符。"
        case .jsCheckRecord: "未签名：记录 %1 的内容与您填写的不符。"
        case .jsRefused: "被拒绝：%1"
        case .jsHeadMoved: "签名期间台账已更新；已按新的版本 %1 重新核对您提交的内容。"
        case .jsLanded: "已签名并写入：提交 %1。"
        case .jsSeeIt: "查看"
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

extension EvidenceKind {
    var chinese: String {
        switch self {
        case .outcome: "成效"
        case .document: "文件"
        case .meeting: "会议"
        case .photo: "照片"
        case .data: "数据"
        }
    }
}

extension FindingState {
    var chinese: String {
        switch self {
        case .open: "待整改"
        case .rectified: "已整改，待核查"
        case .closed: "已销号"
        case .reopened: "重新打开"
        }
    }
}

extension Severity {
    var chinese: String {
        switch self {
        case .minor: "一般"
        case .major: "较重"
        case .critical: "严重"
        }
    }
}

extension Role {
    var chinese: String {
        switch self {
        case .admin: "管理员"
        case .issuer: "发文机关"
        case .implementer: "执行单位"
        case .supervisor: "督查"
        case .auditor: "审计"
        }
    }
}
