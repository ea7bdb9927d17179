// Luoshi's page script: opens the user's OpenSSH ed25519 key in the page, signs in and signs
// writes with it (SSHSIG, as `ssh-keygen -Y sign` makes it), and checks every object the server
// asks it to sign before signing it. The key's bytes never leave this script: they become a
// non-extractable WebCrypto key, kept in this page's memory while the reader moves between pages
// (links and GET forms are fetched and swapped in place), and forgotten on sign-out or reload.
// Every page works without this script; only signing needs it.
'use strict';
(() => {
  const utf8 = new TextEncoder();
  const text = new TextDecoder('utf-8', { fatal: true });
  const subtle = window.crypto && window.crypto.subtle;
  let held = null;   // {actor, key: CryptoKey, publicBlob: Uint8Array}

  // ---- the page's words: every phrase comes from the page, in the reader's language
  function say(name, ...args) {
    const node = document.querySelector(`#luoshi-phrases [data-phrase="${name}"], .phrases [data-phrase="${name}"]`);
    let said = node ? node.textContent : name;
    args.forEach((arg, n) => { said = said.split(`%${n + 1}`).join(String(arg)); });
    return said;
  }
  class Refusal extends Error {}

  // ---- bytes
  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  const u32 = (n) => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  const sshString = (bytes) => concat(u32(bytes.length), typeof bytes === 'string' ? utf8.encode(bytes) : bytes);
  function base64(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }
  function unbase64(s) {
    const raw = atob(s.replace(/\s+/g, ''));
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  const base64url = (bytes) => base64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const equalBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  // JSON with its members in key order, as the ledger writes records: for comparing values.
  const canonical = (v) => Array.isArray(v) ? `[${v.map(canonical).join(',')}]`
    : v && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`
    : JSON.stringify(v === undefined ? null : v);
  const digest = async (name, bytes) => new Uint8Array(await subtle.digest(name, bytes));

  class Reader {
    constructor(bytes) { this.bytes = bytes; this.at = 0; }
    take(n) {
      if (this.at + n > this.bytes.length) throw new Refusal(say('keyNotOpenSSH'));
      const out = this.bytes.subarray(this.at, this.at + n); this.at += n; return out;
    }
    u32() { const b = this.take(4); return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0; }
    string() { return this.take(this.u32()); }
    word() { return String.fromCharCode(...this.string()); }
  }

  // ---- Blowfish and bcrypt_pbkdf, as OpenSSH derives the key of an encrypted key file
  // Blowfish's initial state is the hexadecimal digits of pi after the point: 18 words of P, then
  // four S-boxes of 256 words.
  const PI_HEX =
  '243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89452821e6' +
  '38d01377be5466cf34e90c6cc0ac29b7c97c50dd3f84d5b5b54709179216d5d98979fb1b' +
  'd1310ba698dfb5ac2ffd72dbd01adfb7b8e1afed6a267e96ba7c9045f12c7f9924a19947' +
  'b3916cf70801f2e2858efc16636920d871574e69a458fea3f4933d7e0d95748f728eb658' +
  '718bcd5882154aee7b54a41dc25a59b59c30d5392af26013c5d1b023286085f0ca417918' +
  'b8db38ef8e79dcb0603a180e6c9e0e8bb01e8a3ed71577c1bd314b2778af2fda55605c60' +
  'e65525f3aa55ab945748986263e8144055ca396a2aab10b6b4cc5c341141e8cea15486af' +
  '7c72e993b3ee1411636fbc2a2ba9c55d741831f6ce5c3e169b87931eafd6ba336c24cf5c' +
  '7a325381289586773b8f48986b4bb9afc4bfe81b6628219361d809ccfb21a991487cac60' +
  '5dec8032ef845d5de98575b1dc262302eb651b8823893e81d396acc50f6d6ff383f44239' +
  '2e0b4482a484200469c8f04a9e1f9b5e21c66842f6e96c9a670c9c61abd388f06a51a0d2' +
  'd8542f68960fa728ab5133a36eef0b6c137a3be4ba3bf0507efb2a98a1f1651d39af0176' +
  '66ca593e82430e888cee8619456f9fb47d84a5c33b8b5ebee06f75d885c12073401a449f' +
  '56c16aa64ed3aa62363f77061bfedf72429b023d37d0d724d00a1248db0fead349f1c09b' +
  '075372c980991b7b25d479d8f6e8def7e3fe501ab6794c3b976ce0bd04c006bac1a94fb6' +
  '409f60c45e5c9ec2196a246368fb6faf3e6c53b51339b2eb3b52ec6f6dfc511f9b30952c' +
  'cc814544af5ebd09bee3d004de334afd660f2807192e4bb3c0cba85745c8740fd20b5f39' +
  'b9d3fbdb5579c0bd1a60320ad6a100c6402c7279679f25fefb1fa3cc8ea5e9f8db3222f8' +
  '3c7516dffd616b152f501ec8ad0552ab323db5fafd23876053317b483e00df829e5c57bb' +
  'ca6f8ca01a87562edf1769dbd542a8f6287effc3ac6732c68c4f5573695b27b0bbca58c8' +
  'e1ffa35db8f011a010fa3d98fd2183b84afcb56c2dd1d35b9a53e479b6f84565d28e49bc' +
  '4bfb9790e1ddf2daa4cb7e3362fb1341cee4c6e8ef20cada36774c01d07e9efe2bf11fb4' +
  '95dbda4dae909198eaad8e716b93d5a0d08ed1d0afc725e08e3c5b2f8e7594b78ff6e2fb' +
  'f2122b648888b812900df01c4fad5ea0688fc31cd1cff191b3a8c1ad2f2f2218be0e1777' +
  'ea752dfe8b021fa1e5a0cc0fb56f74e818acf3d6ce89e299b4a84fe0fd13e0b77cc43b81' +
  'd2ada8d9165fa2668095770593cc7314211a1477e6ad206577b5fa86c75442f5fb9d35cf' +
  'ebcdaf0c7b3e89a0d6411bd3ae1e7e4900250e2d2071b35e226800bb57b8e0af2464369b' +
  'f009b91e5563911d59dfa6aa78c14389d95a537f207d5ba202e5b9c5832603766295cfa9' +
  '11c819684e734a41b3472dca7b14a94a1b5100529a532915d60f573fbc9bc6e42b60a476' +
  '81e6740008ba6fb5571be91ff296ec6b2a0dd915b6636521e7b9f9b6ff34052ec5855664' +
  '53b02d5da99f8fa108ba47996e85076a4b7a70e9b5b32944db75092ec4192623ad6ea6b0' +
  '49a7df7d9cee60b88fedb266ecaa8c71699a17ff5664526cc2b19ee1193602a575094c29' +
  'a0591340e4183a3e3f54989a5b429d656b8fe4d699f73fd6a1d29c07efe830f54d2d38e6' +
  'f0255dc14cdd20868470eb266382e9c6021ecc5e09686b3f3ebaefc93c9718146b6a70a1' +
  '687f358452a0e286b79c5305aa5007373e07841c7fdeae5c8e7d44ec5716f2b8b03ada37' +
  'f0500c0df01c1f040200b3ffae0cf51a3cb574b225837a58dc0921bdd19113f97ca92ff6' +
  '9432477322f547013ae5e58137c2dadcc8b576349af3dda7a94461460fd0030eecc8c73e' +
  'a4751e41e238cd993bea0e2f3280bba1183eb3314e548b384f6db9086f420d03f60a04bf' +
  '2cb8129024977c795679b072bcaf89afde9a771fd9930810b38bae12dccf3f2e5512721f' +
  '2e6b7124501adde69f84cd877a5847187408da17bc9f9abce94b7d8cec7aec3adb851dfa' +
  '63094366c464c3d2ef1c18473215d908dd433b3724c2ba1612a14d432a65c45150940002' +
  '133ae4dd71dff89e10314e5581ac77d65f11199b043556f1d7a3c76b3c11183b5924a509' +
  'f28fe6ed97f1fbfa9ebabf2c1e153c6e86e34570eae96fb1860e5e0a5a3e2ab3771fe71c' +
  '4e3d06fa2965dcb999e71d0f803e89d65266c8252e4cc9789c10b36ac6150eba94e2ea78' +
  'a5fc3c531e0a2df4f2f74ea7361d2b3d1939260f19c279605223a708f71312b6ebadfe6e' +
  'eac31f66e3bc4595a67bc883b17f37d1018cff28c332ddefbe6c5aa56558218568ab9802' +
  'eecea50fdb2f953b2aef7dad5b6e2f841521b62829076170ecdd4775619f151013cca830' +
  'eb61bd960334fe1eaa0363cfb5735c904c70a239d59e9e0bcbaade14eecc86bc60622ca7' +
  '9cab5cabb2f3846e648b1eaf19bdf0caa02369b9655abb5040685a323c2ab4b3319ee9d5' +
  'c021b8f79b540b19875fa09995f7997e623d7da8f837889a97e32d7711ed935f16681281' +
  '0e358829c7e61fd696dedfa17858ba9957f584a51b2272639b83c3ff1ac24696cdb30aeb' +
  '532e30548fd948e46dbc312858ebf2ef34c6ffeafe28ed61ee7c3c735d4a14d9e864b7e3' +
  '42105d14203e13e045eee2b6a3aaabeadb6c4f15facb4fd0c742f442ef6abbb5654f3b1d' +
  '41cd2105d81e799e86854dc7e44b476a3d816250cf62a1f25b8d2646fc8883a0c1c7b6a3' +
  '7f1524c369cb749247848a0b5692b285095bbf00ad19489d1462b17423820e0058428d2a' +
  '0c55f5ea1dadf43e233f70613372f0928d937e41d65fecf16c223bdb7cde3759cbee7460' +
  '4085f2a7ce77326ea607808419f8509ee8efd85561d99735a969a7aac50c06c25a04abfc' +
  '800bcadc9e447a2ec3453484fdd567050e1e9ec9db73dbd3105588cd675fda79e3674340' +
  'c5c43465713e38d83d28f89ef16dff20153e21e78fb03d4ae6e39f2bdb83adf7e93d5a68' +
  '948140f7f64c261c94692934411520f77602d4f7bcf46b2ed4a20068d40824713320f46a' +
  '43b7d4b7500061af1e39f62e9724454614214f74bf8b88404d95fc1d96b591af70f4ddd3' +
  '66a02f45bfbc09ec03bd97857fac6dd031cb850496eb27b355fd3941da2547e6abca0a9a' +
  '28507825530429f40a2c86dae9b66dfb68dc1462d7486900680ec0a427a18dee4f3ffea2' +
  'e887ad8cb58ce0067af4d6b6aace1e7cd3375fecce78a399406b2a4220fe9e35d9f385b9' +
  'ee39d7ab3b124e8b1dc9faf74b6d185626a36631eae397b23a6efa74dd5b43326841e7f7' +
  'ca7820fbfb0af54ed8feb397454056acba48952755533a3a20838d87fe6ba9b7d096954b' +
  '55a867bca1159a58cca9296399e1db33a62a4a563f3125f95ef47e1c9029317cfdf8e802' +
  '04272f7080bb155c05282ce395c11548e4c66d2248c1133fc70f86dc07f9c9ee41041f0f' +
  '404779a45d886e17325f51ebd59bc0d1f2bcc18f41113564257b7834602a9c60dff8e8a3' +
  '1f636c1b0e12b4c202e1329eaf664fd1cad181156b2395e0333e92e13b240b62eebeb922' +
  '85b2a20ee6ba0d99de720c8c2da2f728d012784595b794fd647d0862e7ccf5f05449a36f' +
  '877d48fac39dfd27f33e8d1e0a476341992eff743a6f6eabf4f8fd37a812dc60a1ebddf8' +
  '991be14cdb6e6b0dc67b55106d672c372765d43bdcd0e804f1290dc7cc00ffa3b5390f92' +
  '690fed0b667b9ffbcedb7d9ca091cf0bd9155ea3bb132f88515bad247b9479bf763bd6eb' +
  '37392eb3cc1159798026e297f42e312d6842ada7c66a2b3b12754ccc782ef11c6a124237' +
  'b79251e706a1bbe64bfb63501a6b101811caedfa3d25bdd8e2e1c3c9444216590a121386' +
  'd90cec6ed5abea2a64af674eda86a85fbebfe98864e4c3fe9dbc8057f0f7c08660787bf8' +
  '6003604dd1fd8346f6381fb07745ae04d736fccc83426b33f01eab71b08041873c005e5f' +
  '77a057bebde8ae2455464299bf582e614e58f48ff2ddfda2f474ef388789bdc25366f9c3' +
  'c8b38e74b475f25546fcd9b97aeb26618b1ddf84846a0e79915f95e2466e598e20b45770' +
  '8cd55591c902de4cb90bace1bb8205d011a862487574a99eb77f19b6e0a9dc09662d09a1' +
  'c4324633e85a1f0209f0be8c4a99a0251d6efe101ab93d1d0ba5a4dfa186f20f2868f169' +
  'dcb7da83573906fea1e2ce9b4fcd7f5250115e01a70683faa002b5c40de6d0279af88c27' +
  '773f8641c3604c0661a806b5f0177a28c0f586e0006058aa30dc7d6211e69ed72338ea63' +
  '53c2dd94c2c21634bbcbee5690bcb6deebfc7da1ce591d766f05e4094b7c018839720a3d' +
  '7c927c2486e3725f724d9db91ac15bb4d39eb8fced54557808fca5b5d83d7cd34dad0fc4' +
  '1e50ef5eb161e6f8a28514d96c51133c6fd5c7e756e14ec4362abfceddc6c837d79a3234' +
  '92638212670efa8e406000e03a39ce37d3faf5cfabc277375ac52d1b5cb0679e4fa33742' +
  'd382274099bc9bbed5118e9dbf0f7315d62d1c7ec700c47bb78c1b6b21a19045b26eb1be' +
  '6a366eb45748ab2fbc946e79c6a376d26549c2c8530ff8ee468dde7dd5730a1d4cd04dc6' +
  '2939bbdba9ba4650ac9526e8be5ee304a1fad5f06a2d519a63ef8ce29a86ee22c089c2b8' +
  '43242ef6a51e03aa9cf2d0a483c061ba9be96a4d8fe51550ba645bd62826a2f9a73a3ae1' +
  '4ba99586ef5562e9c72fefd3f752f7da3f046f6977fa0a5980e4a91587b086019b09e6ad' +
  '3b3ee593e990fd5a9e34d7972cf0b7d9022b8b5196d5ac3a017da67dd1cf3ed67c7d2d28' +
  '1f9f25cfadf2b89b5ad6b4725a88f54ce029ac71e019a5e647b0acfded93fa9be8d3c48d' +
  '283b57ccf8d5662979132e28785f0191ed756055f7960e44e3d35e8c15056dd488f46dba' +
  '03a161250564f0bdc3eb9e153c9057a297271aeca93a072a1b3f6d9b1e6321f5f59c66fb' +
  '26dcf3197533d928b155fdf5035634828aba3cbb28517711c20ad9f8abcc5167ccad925f' +
  '4de817513830dc8e379d58629320f991ea7a90c2fb3e7bce5121ce64774fbe32a8b6e37e' +
  'c3293d4648de53696413e680a2ae0810dd6db22469852dfd09072166b39a460a6445c0dd' +
  '586cdecf1c20c8ae5bbef7dd1b588d40ccd2017f6bb4e3bbdda26a7e3a59ff453e350a44' +
  'bcb4cdd572eacea8fa6484bb8d6612aebf3c6f47d29be463542f5d9eaec2771bf64e6370' +
  '740e0d8de75b1357f8721671af537d5d4040cb084eb4e2cc34d2466a0115af84e1b00428' +
  '95983a1d06b89fb4ce6ea0486f3f3b823520ab82011a1d4b277227f8611560b1e7933fdc' +
  'bb3a792b344525bda08839e151ce794b2f32c9b7a01fbac9e01cc87ebcc7d1f6cf0111c3' +
  'a1e8aac71a908749d44fbd9ad0dadecbd50ada380339c32ac69136678df9317ce0b12b4f' +
  'f79e59b743f5bb3af2d519ff27d9459cbf97222c15e6fc2a0f91fc719b941525fae59361' +
  'ceb69cebc2a8645912baa8d1b6c1075ee3056a0c10d25065cb03a442e0ec6e0e1698db3b' +
  '4c98a0be3278e9649f1f9532e0d392dfd3a0342b8971f21e1b0a74414ba3348cc5be7120' +
  'c37632d8df359f8d9b992f2ee60b6f470fe3f11de54cda541edad891ce6279cfcd3e7e6f' +
  '1618b166fd2c1d05848fd2c5f6fb2299f523f357a632762393a8353156cccd02acf08162' +
  '5a75ebb56e16369788d273ccde96629281b949d04c50901b71c65614e6c6c7bd327a140a' +
  '45e1d006c3f27b9ac9aa53fd62a80f00bb25bfe235bdd2f671126905b2040222b6cbcf7c' +
  'cd769c2b53113ec01640e3d338abbd602547adf0ba38209cf746ce7677afa1c520756060' +
  '85cbfe4e8ae88dd87aaaf9b04cf9aa7e1948c25c02fb8a8c01c36ae4d6ebe1f990d4f869' +
  'a65cdea03f09252dc208e69fb74e6132ce77e25b578fdfe33ac372e6' +
    '';
  let initial = null;
  class Blowfish {
    constructor() {
      if (!initial) {
        initial = new Uint32Array(18 + 1024);
        for (let i = 0; i < initial.length; i++) initial[i] = parseInt(PI_HEX.substr(i * 8, 8), 16);
      }
      this.P = initial.slice(0, 18);
      this.S = initial.slice(18);
    }
    f(x) {
      const S = this.S;
      return ((((S[x >>> 24] + S[256 + ((x >>> 16) & 255)]) >>> 0) ^ S[512 + ((x >>> 8) & 255)]) + S[768 + (x & 255)]) >>> 0;
    }
    encipher(pair) {   // pair: [left, right], in place
      const P = this.P;
      let l = pair[0] ^ P[0], r = pair[1];
      for (let i = 1; i <= 16; i += 2) {
        r ^= this.f(l >>> 0) ^ P[i];
        l ^= this.f(r >>> 0) ^ P[i + 1];
      }
      pair[0] = (r ^ P[17]) >>> 0; pair[1] = l >>> 0;
    }
    static streamWord(data, cursor) {   // the next 4 bytes of data, cycling, big-endian
      let w = 0;
      for (let i = 0; i < 4; i++) {
        if (cursor.at >= data.length) cursor.at = 0;
        w = ((w << 8) | data[cursor.at++]) >>> 0;
      }
      return w;
    }
    // Blowfish_expandstate (salt given) and Blowfish_expand0state (salt null) of OpenBSD's blf.c.
    expand(key, salt) {
      const k = { at: 0 }, s = { at: 0 };
      for (let i = 0; i < 18; i++) this.P[i] = (this.P[i] ^ Blowfish.streamWord(key, k)) >>> 0;
      const pair = [0, 0];
      const next = (into, i) => {
        if (salt) { pair[0] ^= Blowfish.streamWord(salt, s); pair[1] ^= Blowfish.streamWord(salt, s); }
        this.encipher(pair);
        into[i] = pair[0]; into[i + 1] = pair[1];
      };
      for (let i = 0; i < 18; i += 2) next(this.P, i);
      for (let i = 0; i < 1024; i += 2) next(this.S, i);
    }
  }
  function bcryptHash(sha2pass, sha2salt) {
    const state = new Blowfish();
    state.expand(sha2pass, sha2salt);
    for (let i = 0; i < 64; i++) { state.expand(sha2salt, null); state.expand(sha2pass, null); }
    const magic = utf8.encode('OxychromaticBlowfishSwatDynamite');
    const cursor = { at: 0 };
    const words = [];
    for (let i = 0; i < 8; i++) words.push(Blowfish.streamWord(magic, cursor));
    for (let round = 0; round < 64; round++) {
      for (let i = 0; i < 8; i += 2) { const pair = [words[i], words[i + 1]]; state.encipher(pair); words[i] = pair[0]; words[i + 1] = pair[1]; }
    }
    const out = new Uint8Array(32);
    words.forEach((w, i) => { out[4 * i] = w & 255; out[4 * i + 1] = (w >>> 8) & 255; out[4 * i + 2] = (w >>> 16) & 255; out[4 * i + 3] = w >>> 24; });
    return out;
  }
  async function bcryptPBKDF(passphrase, salt, length, rounds) {
    const stride = Math.ceil(length / 32), amount = Math.ceil(length / stride);
    const sha2pass = await digest('SHA-512', passphrase);
    const key = new Uint8Array(length);
    for (let count = 1, left = length; left > 0; count++) {
      let tmp = bcryptHash(sha2pass, await digest('SHA-512', concat(salt, u32(count))));
      const out = tmp.slice();
      for (let r = 1; r < rounds; r++) {
        tmp = bcryptHash(sha2pass, await digest('SHA-512', tmp));
        for (let i = 0; i < 32; i++) out[i] ^= tmp[i];
      }
      let i = 0;
      for (; i < Math.min(amount, left); i++) {
        const dest = i * stride + (count - 1);
        if (dest >= length) break;
        key[dest] = out[i];
      }
      left -= i;
    }
    return key;
  }

  // ---- an OpenSSH private key file (ssh-keygen's format: openssh-key-v1)
  async function openKey(file, passphrase) {
    const armour = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(file);
    if (!armour) throw new Refusal(say('keyNotOpenSSH'));
    let whole;
    try { whole = unbase64(armour[1]); } catch (e) { throw new Refusal(say('keyNotOpenSSH')); }
    const magic = utf8.encode('openssh-key-v1\0');
    if (!equalBytes(whole.subarray(0, magic.length), magic)) throw new Refusal(say('keyNotOpenSSH'));
    const r = new Reader(whole.subarray(magic.length));
    const cipher = r.word(), kdf = r.word(), kdfOptions = r.string();
    if (r.u32() !== 1) throw new Refusal(say('keyNotOpenSSH'));
    const publicBlob = r.string().slice();
    let secret = r.string();
    if (cipher !== 'none') {
      if (cipher !== 'aes256-ctr' || kdf !== 'bcrypt') throw new Refusal(say('keyCipher', cipher));
      if (!passphrase) throw new Refusal(say('keyNeedsPassphrase'));
      const o = new Reader(kdfOptions);
      const salt = o.string(), rounds = o.u32();
      const derived = await bcryptPBKDF(utf8.encode(passphrase), salt, 48, rounds);
      const aes = await subtle.importKey('raw', derived.subarray(0, 32), 'AES-CTR', false, ['decrypt']);
      secret = new Uint8Array(await subtle.decrypt({ name: 'AES-CTR', counter: derived.subarray(32, 48), length: 128 }, aes, secret));
      derived.fill(0);
    }
    const s = new Reader(secret);
    if (s.u32() !== s.u32()) throw new Refusal(say('keyWrongPassphrase'));
    const type = s.word();
    if (type !== 'ssh-ed25519') throw new Refusal(say('keyNotEd25519', type));
    const pub = s.string(), pair = s.string();
    const comment = text.decode(s.string());
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: base64url(pub), d: base64url(pair.subarray(0, 32)) };
    let key;
    try {
      key = await subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['sign']);
    } finally {
      jwk.d = ''; secret.fill(0);
    }
    return { key, publicBlob, comment };
  }

  // ---- SSHSIG (PROTOCOL.sshsig): what `ssh-keygen -Y sign -n NAMESPACE` prints for `message`
  async function sshsig(holder, namespace, message) {
    const hash = await digest('SHA-512', message);
    const signed = concat(utf8.encode('SSHSIG'), sshString(namespace), sshString(''), sshString('sha512'), sshString(hash));
    const signature = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, holder.key, signed));
    const blob = concat(utf8.encode('SSHSIG'), u32(1), sshString(holder.publicBlob), sshString(namespace), sshString(''),
                        sshString('sha512'), sshString(concat(sshString('ssh-ed25519'), sshString(signature))));
    const lines = base64(blob).match(/.{1,70}/g).join('\n');
    return `-----BEGIN SSH SIGNATURE-----\n${lines}\n-----END SSH SIGNATURE-----\n`;
  }

  // ---- git objects: the page computes their ids itself (SHA-1 over "<type> <length>\0<bytes>")
  const objectID = async (type, bytes) => hex(await digest('SHA-1', concat(utf8.encode(`${type} ${bytes.length}\0`), bytes)));
  function treeEntries(bytes) {
    const entries = new Map();
    let at = 0;
    while (at < bytes.length) {
      const space = bytes.indexOf(0x20, at), nul = bytes.indexOf(0, space);
      if (space < 0 || nul < 0 || nul + 21 > bytes.length) throw new Refusal(say('checkTreeBad'));
      entries.set(text.decode(bytes.subarray(space + 1, nul)), hex(bytes.subarray(nul + 1, nul + 21)));
      at = nul + 21;
    }
    return entries;
  }
  function commitParts(buffer) {
    const all = text.decode(buffer);
    const split = all.indexOf('\n\n');
    const headers = (split < 0 ? all : all.slice(0, split)).split('\n');
    const message = split < 0 ? '' : all.slice(split + 2);
    const field = (name) => headers.filter((h) => h.startsWith(name + ' ')).map((h) => h.slice(name.length + 1));
    const paragraphs = message.replace(/\s+$/, '').split(/\n\s*\n/);
    const trailers = {};
    for (const line of paragraphs[paragraphs.length - 1].split('\n')) {
      const m = /^([A-Za-z-]+): ?(.*)$/.exec(line);
      if (m) (trailers[m[1]] = trailers[m[1]] || []).push(m[2]);
    }
    return { tree: field('tree'), parents: field('parent'), trailers, type: field('type'), tag: field('tag'), object: field('object') };
  }
  // Checks one object the server asks us to sign against what the reader asked for; throws a
  // Refusal naming the first thing that does not hold.
  async function check(object, want) {
    const buffer = unbase64(object.buffer);
    const parts = commitParts(buffer);
    if (object.kind === 'tag') {
      // A checkpoint's tag: of the commit just signed, named as a checkpoint. A witness's tag: of
      // the checkpoint's tag the page showed, named for that checkpoint and this witness.
      const type = want.tagType || 'commit', target = want.tagObject || want.parent;
      const named = want.tagName ? parts.tag[0] === want.tagName : (parts.tag[0] || '').startsWith(want.tagPrefix);
      if (parts.type[0] !== type || parts.object[0] !== target || !named) throw new Refusal(say('checkTag', parts.tag[0] || '?'));
      return buffer;
    }
    if (parts.parents.length !== 1 || parts.parents[0] !== want.parent) {
      throw new Refusal(say('checkParent', parts.parents.join(', ') || '-', want.parent));
    }
    const named = (key) => (parts.trailers[key] || []);
    if (named('Luoshi-Action').length !== 1 || named('Luoshi-Action')[0] !== want.action) {
      throw new Refusal(say('checkAction', named('Luoshi-Action').join(', ') || '-', want.action));
    }
    for (const [key, value] of Object.entries(want.trailers || {})) {
      if (!named(key).includes(value)) throw new Refusal(say('checkTrailer', key, value));
    }
    const trees = new Map();
    for (const t of object.trees) {
      const bytes = unbase64(t.object);
      if (await objectID('tree', bytes) !== t.id) throw new Refusal(say('checkTree', t.id));
      trees.set(t.id, treeEntries(bytes));
    }
    if (object.changes.length > 0 && !trees.has(parts.tree[0])) throw new Refusal(say('checkTree', parts.tree[0] || '-'));
    for (const change of object.changes) {
      if (change.content != null) {
        const content = unbase64(change.content);
        if (await objectID('blob', content) !== change.blob) throw new Refusal(say('checkBlob', change.path));
        if (want.record) want.record(change.path, JSON.parse(text.decode(content)));
      }
      let tree = parts.tree[0];
      const names = change.path.split('/');
      names.forEach((name, n) => {
        const entries = trees.get(tree);
        const id = entries && entries.get(name);
        const last = n === names.length - 1;
        if (last ? id !== (change.blob || undefined) : !trees.has(id)) throw new Refusal(say('checkPath', change.path));
        tree = id;
      });
    }
    return buffer;
  }

  // ---- the API
  async function api(method, path, body) {
    const response = await fetch(path, {
      method, credentials: 'same-origin',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = response.status === 204 ? {} : await response.json().catch(() => ({}));
    return { status: response.status, answer };
  }
  const refusal = (answer) => new Refusal(say('refused', (answer.error && answer.error.message) || '?'));

  // Writes one event through the two-phase write: prepare, check, sign, land; again when main moved.
  async function write(event, want, progress, start = '/api/v1/events') {
    let { status, answer } = await api('POST', start, event);
    for (let round = 0; round < 20; round++) {
      if (status === 409 && answer.pending) {
        // The head the fresh commit must sit on, as the server reports it, shown to the reader.
        const health = await api('GET', '/healthz');
        want.parent = health.answer.head;
        progress(say('headMoved', want.parent.slice(0, 12)));
      } else if (status !== 200 && status !== 202) {
        throw refusal(answer);
      }
      const object = answer.commits[0];
      progress(say('checking'));
      const buffer = await check(object, want);
      const signature = await sshsig(held, 'git', buffer);
      ({ status, answer } = await api('POST', `/api/v1/events/${encodeURIComponent(answer.pending)}/signatures`, { signatures: [signature] }));
      if (status === 201) return answer;
      // The next round's parent is the commit just signed.
      if (status === 202) want.parent = await signedCommitID(buffer, signature);
    }
    throw new Refusal(say('refused', 'too many rounds'));
  }
  // The id of a commit once its signature is in it, as git writes it: a gpgsig header after the others.
  async function signedCommitID(buffer, signature) {
    const all = text.decode(buffer);
    const split = all.indexOf('\n\n');
    const header = 'gpgsig ' + signature.replace(/\n$/, '').split('\n').join('\n ') + '\n';
    const signed = all.slice(0, split + 1) + header + all.slice(split + 1);
    return objectID('commit', utf8.encode(signed));
  }

  // ---- the page
  function show(form, message, kind) {
    const out = form.querySelector('.outcome') || form.appendChild(Object.assign(document.createElement('p'), { className: 'outcome' }));
    out.className = `outcome ${kind || ''}`;
    out.textContent = message;
    out.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    return out;
  }
  function reflectKey() {
    for (const node of document.querySelectorAll('[data-luoshi-key]')) {
      const wanted = node.getAttribute('data-luoshi-key');
      node.hidden = (wanted === 'held') !== !!held;
    }
    for (const node of document.querySelectorAll('[data-luoshi-holder]')) node.textContent = held ? held.actor : '';
  }
  async function keyFrom(form) {
    const input = form.querySelector('input[type=file][name=key]');
    const file = input && input.files[0];
    if (!file) throw new Refusal(say('noKey'));
    if (!subtle || !window.isSecureContext) throw new Refusal(say('noWebCrypto'));
    const passphrase = form.querySelector('input[name=passphrase]');
    const opened = await openKey(await file.text(), passphrase ? passphrase.value : '');
    if (passphrase) passphrase.value = '';
    input.value = '';
    const actor = (form.querySelector('[name=actor]') || {}).value || document.body.dataset.actor;
    return { actor, key: opened.key, publicBlob: opened.publicBlob };
  }

  async function signIn(form) {
    const holder = await keyFrom(form);
    const asked = await api('POST', '/api/v1/session', { actor: holder.actor });
    if (asked.status !== 201) throw refusal(asked.answer);
    const signature = await sshsig(holder, 'luoshi-session', utf8.encode(asked.answer.challenge));
    const answered = await api('POST', `/api/v1/session/${encodeURIComponent(asked.answer.id)}`, { signature });
    if (answered.status !== 201) throw refusal(answered.answer);
    held = holder;
    await go(form.dataset.next || '/', true);
  }

  async function signOut() {
    held = null;
    await api('DELETE', '/api/v1/session');
    await go('/', true);
  }

  // The plan form's clauses: each clause as the page drew it, with what the user edited.
  function planClauses(form) {
    const clauses = [];
    for (const section of form.querySelectorAll('section[data-clause-json]')) {
      if (section.querySelector('input[name=drop]').checked) continue;
      const clause = JSON.parse(section.dataset.clauseJson);
      clause.text = section.querySelector('[name=text]').value;
      clause.modality = section.querySelector('[name=modality]').value;
      (clause.targets || []).forEach((target, n) => {
        target.op = section.querySelector(`[name="op-${n}"]`).value;
        const value = section.querySelector(`[name="value-${n}"]`).value;
        target.value = value === '' ? NaN : Number(value);
      });
      const deadline = section.querySelector('[name=deadline]').value;
      if (deadline) clause.deadline = deadline; else delete clause.deadline;
      const reason = section.querySelector('[name=reason]');
      if (reason && reason.value.trim() !== '') clause.reason = reason.value.trim(); else delete clause.reason;
      clauses.push(clause);
    }
    return clauses;
  }
  // The exemptions the plan form declares: each basis clause dropped (or omitted already) with a reason.
  function planExemptions(form) {
    const exemptions = [];
    for (const section of form.querySelectorAll('section[data-basis-id]')) {
      const drop = section.querySelector('input[name=drop]');
      const reason = section.querySelector('[name=exemption]');
      if ((drop && !drop.checked) || !reason || reason.value.trim() === '') continue;
      exemptions.push({ clause: section.dataset.basisId, reason: reason.value.trim() });
    }
    return exemptions;
  }
  // The fields of a form named `prefix.name`, as an object; empty fields left out.
  function fieldsUnder(form, prefix) {
    const out = {};
    for (const input of form.querySelectorAll(`[name^="${prefix}."]`)) {
      if (input.type === 'checkbox' || input.value.trim() === '') continue;
      out[input.name.slice(prefix.length + 1)] = input.value.trim();
    }
    return out;
  }

  // The form's evidence files, as a claim names them: the kind chosen, the file's name, its SHA-256
  // (computed once a file, so sending the file to the store does not read it again).
  const fileHashes = new WeakMap();
  async function sha256Of(file) {
    if (!fileHashes.has(file)) fileHashes.set(file, hex(await digest('SHA-256', new Uint8Array(await file.arrayBuffer()))));
    return fileHashes.get(file);
  }
  const evidenceFiles = (form) => [...form.querySelectorAll('input[type=file][name=evidence]')].flatMap((input) => [...input.files]);
  async function evidenceOf(form) {
    const kind = form.querySelector('[name=evidenceKind]').value;
    const evidence = [];
    for (const file of evidenceFiles(form)) evidence.push({ kind, title: file.name, sha256: await sha256Of(file) });
    return evidence;
  }

  // The form's event: a report-progress from the report form, an edit-plan from the plan form.
  async function eventOf(form) {
    const data = new FormData(form);
    const field = (name) => { const v = data.get(name); return v === null || v === '' ? undefined : String(v); };
    if (form.dataset.action === 'open-finding') {
      const finding = {};
      for (const name of ['id', 'unit', 'directive', 'clause', 'text', 'severity', 'due']) if (field(`finding.${name}`) !== undefined) finding[name] = field(`finding.${name}`);
      return { action: 'open-finding', actor: held.actor, finding };
    }
    if (form.dataset.action === 'rectify') {
      return { action: 'rectify', actor: held.actor, finding: field('finding'), text: field('text'), evidence: await evidenceOf(form) };
    }
    if (form.dataset.action === 'close-finding') {
      const event = { action: 'close-finding', actor: held.actor, finding: field('finding'), verdict: field('verdict') };
      if (field('note') !== undefined) event.note = field('note');
      return event;
    }
    if (form.dataset.action === 'checkpoint') {
      const event = { action: 'checkpoint', actor: held.actor };
      if (field('note') !== undefined) event.note = field('note');
      return event;
    }
    if (form.dataset.action === 'edit-plan') {
      return { action: 'edit-plan', actor: held.actor, unit: String(data.get('unit')), directive: String(data.get('directive')), clauses: planClauses(form), exemptions: planExemptions(form) };
    }
    if (form.dataset.action === 'adopt') {
      return { action: 'adopt', actor: held.actor, unit: field('unit'), directive: field('directive'), from: field('from') };
    }
    if (form.dataset.action === 'approve-exemption') {
      const event = { action: 'approve-exemption', actor: held.actor, unit: field('unit'), directive: field('directive'), clause: field('clause') };
      if (field('note') !== undefined) event.note = field('note');
      return event;
    }
    if (form.dataset.action === 'hold-accountable') {
      return { action: 'hold-accountable', actor: held.actor, finding: field('finding'), decision: field('decision'), target: field('target') };
    }
    if (form.dataset.action === 'register-unit') return { action: 'register-unit', actor: held.actor, unit: fieldsUnder(form, 'unit') };
    if (form.dataset.action === 'register-actor') {
      const record = fieldsUnder(form, 'actorRecord');
      record.roles = data.getAll('actorRecord.roles').map(String);
      record.keys = (record.keys || '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
      return { action: 'register-actor', actor: held.actor, actorRecord: record };
    }
    if (form.dataset.action === 'revoke-key') return { action: 'revoke-key', actor: held.actor, actorId: field('actorId'), key: field('key') };
    if (form.dataset.action === 'set-policy') {
      // Only the thresholds changed from the values the page showed.
      const policy = {};
      for (const input of form.querySelectorAll('input[name^="policy."]')) {
        if (input.value !== '' && input.value !== input.dataset.was) policy[input.name.slice(7)] = Number(input.value);
      }
      return { action: 'set-policy', actor: held.actor, policy };
    }
    const event = { action: form.dataset.action, actor: held.actor };
    for (const name of ['unit', 'directive', 'clause', 'status']) if (data.get(name)) event[name] = String(data.get(name));
    const values = {};
    for (const input of form.querySelectorAll('input[data-metric]')) {
      if (input.value !== '' && !input.closest('[hidden]')) values[input.dataset.metric] = Number(input.value);
    }
    if (Object.keys(values).length) event.values = values;
    const evidence = await evidenceOf(form);
    if (evidence.length) event.evidence = evidence;
    for (const name of ['note', 'asOf']) if (data.get(name)) event[name] = String(data.get(name));
    return event;
  }
  function progressCheck(event) {
    // A report changes one record, the unit's progress on the directive, and appends the report asked for.
    return (path, record) => {
      const last = record.reports && record.reports[record.reports.length - 1];
      const same = (a, b) => canonical(a) === canonical(b);
      const holds = path.startsWith(`directives/${event.directive}/plans/`) && path.endsWith('/progress.json') && record.unit === event.unit && record.directive === event.directive && last && last.actor === event.actor
        && last.clause === event.clause && last.status === event.status && same(last.note, event.note) && same(last.asOf, event.asOf)
        && same(last.values, event.values || {}) && same(last.evidence, event.evidence || []);
      if (!holds) throw new Refusal(say('checkRecord', path));
    };
  }
  function planCheck(event) {
    // An edit of a plan changes one record, the plan, to exactly the clauses and exemptions asked for.
    return (path, record) => {
      const declared = (record.exemptions || []).map((e) => ({ clause: e.clause, reason: e.reason }));
      const holds = path === `directives/${event.directive}/plans/${event.unit}/plan.json` && record.unit === event.unit
        && record.directive === event.directive && canonical(record.clauses) === canonical(event.clauses)
        && canonical(declared) === canonical(event.exemptions);
      if (!holds) throw new Refusal(say('checkRecord', path));
    };
  }
  const optional = (v) => (v === undefined ? null : v);
  // An adoption: the unit's new plan, on the basis the user chose, with nothing exempted.
  function adoptCheck(event) {
    return (path, record) => {
      const holds = path === `directives/${event.directive}/plans/${event.unit}/plan.json` && record.unit === event.unit
        && record.directive === event.directive && record.basis && record.basis.unit === event.from && (record.exemptions || []).length === 0;
      if (!holds) throw new Refusal(say('checkRecord', path));
    };
  }
  // An approval: the plan's exemption from that clause, approved by the user with this note.
  function approveCheck(event) {
    return (path, record) => {
      const e = (record.exemptions || []).find((x) => x.clause === event.clause);
      const holds = path === `directives/${event.directive}/plans/${event.unit}/plan.json` && record.unit === event.unit && e && e.approval
        && e.approval.by === event.actor && optional(e.approval.note) === optional(event.note);
      if (!holds) throw new Refusal(say('checkRecord', path));
    };
  }
  // Holding accountable: the finding's last step this decision on this target, by the user.
  function holdCheck(event) {
    return (path, record) => {
      const last = record.steps && record.steps[record.steps.length - 1];
      const holds = path === `findings/${event.finding}.json` && record.id === event.finding && last && last.kind === 'hold-accountable'
        && last.actor === event.actor && last.decision === event.decision && last.target === event.target;
      if (!holds) throw new Refusal(say('checkRecord', path));
    };
  }
  // A new unit's record: exactly the id, name and level given.
  function unitCheck(event) {
    return (path, record) => {
      const u = event.unit;
      const holds = path === `units/${u.id}/unit.json` && record.id === u.id && record.name === u.name && record.level === u.level;
      if (!holds) throw new Refusal(say('checkRecord', path));
    };
  }
  // A new actor's record: exactly the id, name, unit, roles and keys given.
  function actorCheck(event) {
    return (path, record) => {
      const a = event.actorRecord;
      const holds = path === `actors/${a.id}.json` && record.id === a.id && record.name === a.name && optional(record.unit) === optional(a.unit)
        && canonical(record.roles) === canonical(a.roles) && canonical(record.keys) === canonical(a.keys) && (record.revokedKeys || []).length === 0;
      if (!holds) throw new Refusal(say('checkRecord', path));
    };
  }
  // A revocation: the key gone from the actor's keys, and among its revoked keys by the user.
  function revokeCheck(event) {
    const identity = (key) => key.trim().split(/\s+/).slice(0, 2).join(' ');
    return (path, record) => {
      const gone = identity(event.key);
      const holds = path === `actors/${event.actorId}.json` && record.id === event.actorId && !(record.keys || []).some((k) => identity(k) === gone)
        && (record.revokedKeys || []).some((r) => identity(r.key) === gone && r.by === event.actor);
      if (!holds) throw new Refusal(say('checkRecord', path));
    };
  }
  // The policy: each threshold changed to the value given.
  function policyCheck(event) {
    return (path, record) => {
      const holds = path === 'ledger.json' && record.policy && Object.entries(event.policy).every(([k, v]) => record.policy[k] === v);
      if (!holds) throw new Refusal(say('checkRecord', path));
    };
  }
  // A finding's record after opening: what was asked for, open, one step by the user.
  function openFindingCheck(event) {
    return (path, record) => {
      const f = event.finding;
      const holds = path === `findings/${f.id}.json` && ['id', 'unit', 'directive', 'clause', 'text', 'severity', 'due'].every((k) => record[k] === f[k])
        && record.state === 'open' && record.steps.length === 1 && record.steps[0].kind === 'open' && record.steps[0].actor === event.actor;
      if (!holds) throw new Refusal(say('checkRecord', path));
    };
  }
  // A finding's record after its examination: the same finding, its last step this verdict by the user.
  function closeFindingCheck(event) {
    return (path, record) => {
      const last = record.steps && record.steps[record.steps.length - 1];
      const holds = path === `findings/${event.finding}.json` && record.id === event.finding && last && last.kind === 'close'
        && last.verdict === event.verdict && last.actor === event.actor && (last.text === undefined ? null : last.text) === (event.note === undefined ? null : event.note)
        && record.state === (event.verdict === 'verified' ? 'closed' : 'reopened');
      if (!holds) throw new Refusal(say('checkRecord', path));
    };
  }
  // A checkpoint's record: by the user, of the head this page showed.
  function checkpointCheck(event, head) {
    return (path, record) => {
      const holds = /^checkpoints\/[^/]+\.json$/.test(path) && record.by === event.actor && record.head === head
        && (record.note === undefined ? null : record.note) === (event.note === undefined ? null : event.note);
      if (!holds) throw new Refusal(say('checkRecord', path));
    };
  }
  // A finding's record after a rectification: its last step this text and evidence by the user.
  function rectifyCheck(event) {
    return (path, record) => {
      const last = record.steps && record.steps[record.steps.length - 1];
      const holds = path === `findings/${event.finding}.json` && record.id === event.finding && record.state === 'rectified' && last
        && last.kind === 'rectify' && last.actor === event.actor && last.text === event.text && canonical(last.evidence || []) === canonical(event.evidence);
      if (!holds) throw new Refusal(say('checkRecord', path));
    };
  }
  const recordChecks = {
    rectify: rectifyCheck,
    'report-progress': progressCheck, 'edit-plan': planCheck, 'open-finding': openFindingCheck, 'close-finding': closeFindingCheck,
    adopt: adoptCheck, 'approve-exemption': approveCheck, 'hold-accountable': holdCheck,
    'register-unit': unitCheck, 'register-actor': actorCheck, 'revoke-key': revokeCheck, 'set-policy': policyCheck,
  };
  // A witness's co-signature: no event and no commit, one tag on the checkpoint's tag.
  async function submitWitness(form) {
    const checkpoint = form.dataset.checkpoint;
    const want = { tagType: 'tag', tagObject: form.dataset.tag, tagName: `witnesses/${checkpoint}/${held.actor}` };
    const landed = await write({ actor: held.actor, checkpoint }, want, (m) => show(form, m), '/api/v1/witnesses');
    show(form, say('landedTag', (landed.tags || []).join(', ')), 'done');
    form.querySelector('button[type=submit]').disabled = true;
  }
  // Sends the form's evidence files to the server's evidence store, each under its SHA-256, when
  // the reader asked for it; the claim names them by hash either way.
  async function sendEvidence(form) {
    const upload = form.querySelector('input[name=upload]');
    if (!upload || !upload.checked) return;
    for (const file of evidenceFiles(form)) {
      show(form, say('uploading', file.name));
      const response = await fetch(`/api/v1/evidence/${await sha256Of(file)}`, {
        method: 'PUT', credentials: 'same-origin', headers: { 'Content-Type': 'application/octet-stream' }, body: file,
      });
      if (response.status !== 200 && response.status !== 201) {
        const answer = await response.json().catch(() => ({}));
        throw new Refusal(say('uploadFailed', file.name, (answer.error && answer.error.message) || response.status));
      }
    }
  }
  async function submitEvent(form) {
    if (!held) held = await keyFrom(form);
    reflectKey();
    if (form.dataset.action === 'witness') return submitWitness(form);
    const event = await eventOf(form);
    if (event.action === 'edit-plan') await requireReasons(event, form);
    await sendEvidence(form);
    const want = {
      parent: form.dataset.head, action: event.action,
      trailers: Object.fromEntries(Object.entries({
        'Luoshi-Unit': typeof event.unit === 'string' ? event.unit : (event.unit && event.unit.id) || (event.actorRecord && event.actorRecord.unit) || (event.finding && event.finding.unit),
        'Luoshi-Directive': event.directive,
        'Luoshi-Clause': event.clause, 'Luoshi-Finding': typeof event.finding === 'string' ? event.finding : event.finding && event.finding.id,
      }).filter(([, value]) => value !== undefined)),
      record: event.action === 'checkpoint' ? checkpointCheck(event, form.dataset.head) : recordChecks[event.action] && recordChecks[event.action](event),
      tagPrefix: 'checkpoints/',
    };
    if (!want.record) throw new Refusal(say('refused', event.action));
    const landed = await write(event, want, (m) => show(form, m));
    const out = show(form, say('landed', landed.commits.map((c) => c.slice(0, 12)).join(', ')), 'done');
    if (form.dataset.after) {
      const link = out.appendChild(document.createElement('a'));
      link.href = form.dataset.after; link.textContent = ' ' + say('seeIt');
    }
    form.querySelector('button[type=submit]').disabled = true;
  }

  // ---- the plan form's live preview: the server's own reading of the plan as edited
  const shown = (v) => (typeof v === 'string' ? v : v === null || v === undefined ? '-' : JSON.stringify(v));
  function drawVerdict(into, reading) {
    for (const node of [...into.childNodes]) if (node.nodeName !== 'H3') node.remove();
    const name = into.appendChild(document.createElement('span'));
    name.className = 'class';
    name.textContent = reading ? say(`class.${reading.class}`) : say('omitted');
    into.closest('section').dataset.reading = reading ? reading.class : 'omitted';
    if (reading && reading.changes.length) {
      const list = into.appendChild(document.createElement('ul'));
      list.className = 'changes';
      for (const change of reading.changes) {
        const item = list.appendChild(document.createElement('li'));
        item.className = `effect ${change.effect}`;
        item.appendChild(document.createElement('code')).textContent = change.field;
        item.appendChild(document.createTextNode(` ${shown(change.from)} → ${shown(change.to)} · ${say(`effect.${change.effect}`)}`));
      }
    }
  }
  let previewTimer = null, previewRound = 0;
  function schedulePreview(form) {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(() => preview(form), 350);
  }
  const loosens = (reading) => (reading.changes || []).some((change) => change.effect === 'looser');
  // Before an edit of a plan is signed: the server's reading of it, and every clause that loosens
  // its basis must say why (its reason); throws a Refusal naming the first that does not.
  async function requireReasons(event, form) {
    const { status, answer } = await api('POST', '/api/v1/preview', event);
    if (status !== 200) throw refusal(answer);
    const edited = editedClauses(form);
    for (const reading of answer.clauses) {
      const clause = reading.id !== null && event.clauses.find((c) => c.id === reading.id);
      if (clause && edited.has(clause.id) && loosens(reading) && !clause.reason) throw new Refusal(say('reasonNeeded', reading.id));
    }
  }
  // The ids of the clauses this edit changes (their reasons aside): a departure the plan made
  // before is not asked about again.
  function editedClauses(form) {
    const bare = (c) => { const copy = { ...c }; delete copy.reason; return canonical(copy); };
    const now = new Map(planClauses(form).map((c) => [c.id, c]));
    const edited = new Set();
    for (const section of form.querySelectorAll('section[data-clause-json]')) {
      const before = JSON.parse(section.dataset.clauseJson);
      const after = now.get(before.id);
      if (after && bare(after) !== bare(before)) edited.add(before.id);
    }
    return edited;
  }
  async function preview(form) {
    const round = ++previewRound;
    const status = form.querySelector('[data-preview-status]');
    status.textContent = say('previewing');
    const actor = held ? held.actor : ((form.querySelector('[name=actor]') || {}).value || document.body.dataset.actor);
    const data = new FormData(form);
    const event = { action: 'edit-plan', actor, unit: String(data.get('unit')), directive: String(data.get('directive')), clauses: planClauses(form), exemptions: planExemptions(form) };
    const { status: code, answer } = await api('POST', '/api/v1/preview', event);
    if (round !== previewRound) return;   // a later edit's preview is on its way
    if (code !== 200) {
      status.textContent = say('previewFailed', (answer.error && answer.error.message) || code);
      status.classList.add('error');
      return;
    }
    status.classList.remove('error');
    status.textContent = say('previewShown');
    const edited = editedClauses(form);
    for (const section of form.querySelectorAll('section[data-clause-json]')) {
      const id = section.dataset.clauseId;
      const reading = answer.clauses.find((c) => c.id === id);
      const dropped = section.querySelector('input[name=drop]').checked;
      const target = section.querySelector('[data-preview-for]');
      if (dropped) {
        const basisId = JSON.parse(section.dataset.clauseJson).derivedFrom || id;
        drawVerdict(target, answer.clauses.find((c) => c.id === null && c.basisId === basisId) || null);
      } else if (reading) {
        drawVerdict(target, reading);
      }
      // A change that loosens the basis asks for its reason.
      const reason = section.querySelector('[name=reason]');
      if (reason) {
        const looser = !dropped && !!reading && loosens(reading) && edited.has(id);
        reason.required = looser;
        reason.closest('label').classList.toggle('needed', looser);
      }
    }
    const flags = form.querySelector('[data-preview-flags]');
    flags.replaceChildren(...answer.flags.map((flag) => {
      const item = document.createElement('li');
      const kind = item.appendChild(document.createElement('span'));
      kind.className = 'flag'; kind.textContent = say(`flag.${flag.kind}`);
      if (flag.clause) item.appendChild(document.createTextNode(` · ${say('clause')} ${flag.clause}`));
      return item;
    }));
  }

  // ---- a spreadsheet of reports: checked by the server row by row, then one commit a row
  let sheetRows = null;
  async function checkSheet(form) {
    if (!held) held = await keyFrom(form);
    reflectKey();
    const file = form.querySelector('input[name=sheet]').files[0];
    if (!file) throw new Refusal(say('refused', say('sheet.row')));
    const response = await fetch(`/api/v1/sheets/reports?actor=${encodeURIComponent(held.actor)}`, {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'text/csv' }, body: new Uint8Array(await file.arrayBuffer()),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.status !== 200) throw refusal(answer);
    const table = document.createElement('table');
    table.className = 'sheet';
    const head = table.createTHead().insertRow();
    for (const name of ['sheet.row', 'sheet.unit', 'sheet.clause', 'sheet.status', 'sheet.problems']) {
      head.appendChild(document.createElement('th')).textContent = say(name);
    }
    const body = table.createTBody();
    for (const row of answer.rows) {
      const tr = body.insertRow();
      tr.dataset.row = row.row;
      tr.className = row.problems.length ? 'problem' : 'ok';
      const e = row.event || {};
      for (const text of [row.row, e.unit || '', e.clause || '', e.status || '']) tr.insertCell().textContent = text;
      const cell = tr.insertCell();
      if (!row.problems.length) cell.textContent = say('sheet.ok');
      for (const p of row.problems) {
        cell.appendChild(document.createElement('div')).textContent = (p.column ? `${p.column}: ` : '') + p.message;
      }
    }
    form.querySelector('[data-sheet-rows]').replaceChildren(table);
    show(form, say('sheet.count', answer.rows.length, answer.problems), answer.problems ? 'error' : 'done');
    sheetRows = answer.problems ? null : answer.rows;
    form.querySelector('[data-luoshi=sign-sheet]').hidden = !sheetRows;
    form.querySelector('button[type=submit]').disabled = false;
  }
  async function signSheet(form) {
    const rows = sheetRows;
    sheetRows = null;
    const button = form.querySelector('[data-luoshi=sign-sheet]');
    button.disabled = true;
    let parent = form.dataset.head;
    for (const [n, row] of rows.entries()) {
      const event = { ...row.event, actor: held.actor };
      const want = {
        parent, action: event.action, record: progressCheck(event), tagPrefix: 'checkpoints/',
        trailers: { 'Luoshi-Unit': event.unit, 'Luoshi-Directive': event.directive, 'Luoshi-Clause': event.clause },
      };
      const landed = await write(event, want, (m) => show(form, `${say('sheet.row')} ${row.row}: ${m}`));
      parent = landed.head;
      const tr = form.querySelector(`tr[data-row="${row.row}"]`);
      if (tr) { tr.className = 'landed'; tr.lastChild.textContent = landed.commits.map((c) => c.slice(0, 12)).join(', '); }
      show(form, say('sheet.signed', n + 1, rows.length, landed.commits.map((c) => c.slice(0, 12)).join(', ')), n + 1 === rows.length ? 'done' : '');
    }
    button.hidden = true;
  }

  function wire() {
    reflectKey();
    for (const form of document.querySelectorAll('form[data-action=edit-plan]')) {
      const edited = (e) => { if (e.target.closest('section[data-clause-json]')) schedulePreview(form); };
      form.addEventListener('input', edited);
      form.addEventListener('change', edited);
    }
    const clause = document.querySelector('select[data-luoshi="clause"]');
    if (clause) {
      const pick = () => {
        for (const node of document.querySelectorAll('[data-clause]')) node.hidden = node.dataset.clause !== clause.value;
      };
      clause.addEventListener('change', pick); pick();
    }
    for (const node of document.querySelectorAll('[data-luoshi-script]')) node.hidden = false;
  }

  // ---- moving between pages without losing the key
  async function go(url, push) {
    const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    document.title = page.title;
    document.documentElement.lang = page.documentElement.lang;
    document.body.replaceWith(document.adoptNode(page.body));
    if (push) history.pushState({}, '', response.url || url);
    const holder = document.body.dataset.actor;
    if (held && holder && holder !== held.actor) held = null;
    window.scrollTo(0, 0);
    wire();
  }
  const ours = (url) => url.origin === location.origin && !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/git/')
    && !url.pathname.startsWith('/assets/');

  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[href]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (!ours(url) || (url.pathname === location.pathname && url.search === location.search && url.hash)) return;
    e.preventDefault();
    go(url.href, true).catch(() => { location.href = url.href; });
  });
  document.addEventListener('submit', (e) => {
    const form = e.target;
    const role = form.dataset.luoshi;
    if (role === 'sheet') {
      e.preventDefault();
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      show(form, say('checking'));
      checkSheet(form).catch((error) => {
        show(form, error instanceof Refusal ? error.message : say('refused', error.message || String(error)), 'error');
        button.disabled = false;
      });
      return;
    }
    if (role === 'sign-in' || role === 'event') {
      e.preventDefault();
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      show(form, say(role === 'sign-in' ? 'opening' : 'checking'));
      (role === 'sign-in' ? signIn(form) : submitEvent(form))
        .catch((error) => {
          show(form, error instanceof Refusal ? error.message : say('refused', error.message || String(error)), 'error');
          button.disabled = false;
        });
      return;
    }
    if ((form.method || 'get').toLowerCase() === 'get') {
      const url = new URL(form.action || location.href, location.href);
      if (!ours(url)) return;
      e.preventDefault();
      url.search = new URLSearchParams(new FormData(form)).toString();
      go(url.href, true).catch(() => { location.href = url.href; });
    }
  });
  document.addEventListener('click', (e) => {
    if (e.target.closest && e.target.closest('[data-luoshi="sign-out"]')) { e.preventDefault(); signOut(); }
    const sign = e.target.closest && e.target.closest('[data-luoshi="sign-sheet"]');
    if (sign && sheetRows) {
      e.preventDefault();
      const form = sign.closest('form');
      signSheet(form).catch((error) => {
        show(form, error instanceof Refusal ? error.message : say('refused', error.message || String(error)), 'error');
      });
    }
  });
  window.addEventListener('popstate', () => { go(location.href, false).catch(() => location.reload()); });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wire); else wire();
})();
