/// What the page carries as it is, fixed in the source: the style sheet, the script and the controls the
/// script binds to. They hold no record text; `HTML.raw` takes only literals.
extension ReportHTML {
    /// The report's style: system fonts (CJK ones named for Chinese text), class colours that also carry a
    /// letter (they survive greyscale printing), and a print layout without the controls.
    static let style = HTML.raw("""
        :root{--fg:#1d2329;--muted:#5b6670;--line:#d8dde2;--bg:#fff;--soft:#f4f6f8;
        --F:#2e7d32;--R:#9ccc65;--W:#f9a825;--S:#8e24aa;--M:#ef6c00;--O:#c62828;--X:#eceff1;--N:#b0bec5}
        *{box-sizing:border-box}
        html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;color:var(--fg);background:var(--bg);line-height:1.45}
        :lang(zh){font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei",system-ui,sans-serif;line-break:strict}
        body{margin:0 auto;max-width:1320px;padding:0 20px 40px}
        header{border-bottom:2px solid var(--fg);padding:16px 0 8px}
        h1{font-size:1.6em;margin:.2em 0}
        h2{font-size:1.25em;border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:1.6em}
        h2 small,.kicker,.meta,.note,caption{color:var(--muted);font-weight:normal;font-size:.85em}
        nav a{margin-right:1em}
        code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.92em}
        table{border-collapse:collapse;margin:8px 0}
        th,td{border:1px solid var(--line);padding:4px 6px;vertical-align:top;text-align:left}
        th{background:var(--soft);font-weight:600}
        caption{text-align:left;padding:4px 0}
        .cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:var(--soft);padding:10px 14px;border-radius:6px}.card b{font-size:1.3em}
        .cols{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
        table.small td,table.small th{padding:2px 8px}
        .clauses .title{font-weight:600}.clauses .text{margin-top:2px}
        .sw{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 .6em;vertical-align:-.1em;border:1px solid #0003}
        .cF{background:var(--F);color:#fff}.cR{background:var(--R)}.cW{background:var(--W)}.cS{background:var(--S);color:#fff}
        .cM{background:var(--M);color:#fff}.cO{background:var(--O);color:#fff}.cX{background:var(--X);color:var(--muted)}.cN{background:var(--N)}
        .tag{padding:0 4px;border-radius:3px;white-space:nowrap}
        .controls{display:flex;gap:14px;flex-wrap:wrap;align-items:center;margin:8px 0}
        .scroll{overflow-x:auto}
        #matrix-table td.cell{text-align:center;min-width:2.6em;font-weight:600;white-space:nowrap}
        #matrix-table td.own{outline:3px solid var(--fg);outline-offset:-3px}
        #matrix-table tr.none td.unit{color:var(--muted)}
        .bar{display:inline-block;width:60px;height:8px;background:var(--X);margin-right:4px;vertical-align:middle}.bar i{display:block;height:100%;background:var(--F)}
        figure.ladder{display:inline-block;margin:8px 16px 16px 0;vertical-align:top}
        svg text{font-size:12px;fill:var(--fg)}svg .axis{fill:var(--muted)}svg .grid{stroke:var(--line)}svg .base{stroke:#999;stroke-dasharray:4 3}
        svg .val{font-size:11px}svg .end{font-size:12px;font-weight:600}
        .diff td{width:40%}.diff td.id,.diff td.cls{width:auto;white-space:nowrap}
        del{background:#ffd7d5;text-decoration:line-through;color:#82071e}ins{background:#ccf2d1;text-decoration:none;color:#055d20}
        .changes{white-space:pre-line;font-size:.9em;color:var(--muted)}
        details.unit{border:1px solid var(--line);border-radius:6px;margin:8px 0;padding:4px 10px}
        details.unit>summary{cursor:pointer;padding:4px 0}
        details.unit h3{font-size:1em;margin:12px 0 4px}
        .sig-good{color:var(--F)}.sig-bad{color:var(--O);font-weight:600}
        pre{white-space:pre-wrap;word-break:break-all;font-size:.8em;margin:4px 0}
        .tl .done{fill:var(--F)}.tl .in-progress{fill:var(--W)}.tl .not-started{fill:#fff;stroke:var(--muted)}.tl .blocked{fill:var(--O)}
        .tl .deadline{stroke:var(--O);stroke-width:2}.tl .asof{fill:none;stroke:var(--O)}.tl .late{stroke:var(--O);stroke-dasharray:3 2}
        footer{margin-top:2em;color:var(--muted);font-size:.85em;border-top:1px solid var(--line)}
        @media print{
          body{max-width:none;padding:0;font-size:10pt}
          nav,.controls,noscript,details.unit>summary::marker{display:none}
          a{color:inherit;text-decoration:none}
          section{break-inside:auto}table,figure,details.unit{break-inside:avoid}
          #matrix-table td.own{outline:2px solid #000}
          .cF,.cR,.cW,.cS,.cM,.cO,.cX,.cN,del,ins,.bar i{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        }
        """)

    /// The script that draws the matrix, the flags and the units from the embedded JSON, a page at a time.
    /// It builds every node with createElement and textContent: record text is never parsed as HTML.
    static let script = HTML.raw(#"""
        (function(){"use strict";
        var D=JSON.parse(document.getElementById("report-data").textContent),S=D.strings;
        var CJK=/[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/;
        var CLASS={F:"faithful",R:"reworded",W:"weakened",S:"strengthened",M:"mixed",O:"omitted","-":"not in the version adopted"};
        var MARK={d:"✓",p:"◐",n:"○",b:"✗","-":""},STATUS={d:"done",p:"in progress",n:"not started",b:"blocked","-":"no report"};
        var CODE={faithful:"F",reworded:"R",weakened:"W",strengthened:"S",mixed:"M",omitted:"O"};
        function str(i){return i==null||i<0?"":S[i];}
        function add(e,k){if(k==null)return e;if(!Array.isArray(k))k=[k];k.forEach(function(c){if(c==null)return;e.appendChild(typeof c==="object"?c:document.createTextNode(String(c)));});return e;}
        function h(t,a,k){var e=document.createElement(t);if(a)for(var n in a)if(a[n]!=null)e.setAttribute(n,a[n]);return add(e,k);}
        function tx(t,s,a){a=a||{};if(CJK.test(s))a.lang="zh";return h(t,a,s);}
        var SVG="http://www.w3.org/2000/svg";
        function sv(t,a,k){var e=document.createElementNS(SVG,t);if(a)for(var n in a)e.setAttribute(n,a[n]);return add(e,k);}
        function day(s){var p=s.split("-");return Date.UTC(+p[0],p[1]-1,+p[2])/864e5;}
        var flagsOf={};D.flags.forEach(function(f,i){(flagsOf[f[1]]=flagsOf[f[1]]||[]).push(i);});
        var byKind=D.flags.map(function(f,i){return i;}).sort(function(a,b){return (D.kinds.indexOf(D.flags[a][0])-D.kinds.indexOf(D.flags[b][0]))||(a-b);}).map(function(i){return D.flags[i];});
        var st={q:"",level:"",show:"",size:50,page:0},list=D.units;
        var $=function(id){return document.getElementById(id);};
        var levels=[];D.units.forEach(function(u){var l=str(u[2]);if(levels.indexOf(l)<0)levels.push(l);});
        levels.forEach(function(l){$("level").appendChild(h("option",{value:l},l));});
        var kinds=[];D.kinds.forEach(function(k){if(D.flags.some(function(f){return f[0]===k;}))kinds.push(k);});
        kinds.forEach(function(k){$("flag-kind").appendChild(h("option",{value:k},k));});
        function deviates(u){return u[3]!=null&&/[WSMO]/.test(u[5]);}
        function filter(){var q=st.q.toLowerCase();list=D.units.filter(function(u){
          if(q&&u[0].toLowerCase().indexOf(q)<0&&str(u[1]).toLowerCase().indexOf(q)<0)return false;
          if(st.level&&str(u[2])!==st.level)return false;
          if(st.show==="dev")return deviates(u);if(st.show==="own")return u[3]!=null&&u[13]>0;
          if(st.show==="flag")return u[4]>0;if(st.show==="none")return u[3]==null;return true;});}
        function pages(){return Math.max(1,Math.ceil(list.length/st.size));}
        function head(){var tr=h("tr",null,[h("th",null,"unit"),h("th",null,"level"),h("th",null,"adopted"),h("th",null,"basis")]);
          D.clauses.forEach(function(c){tr.appendChild(h("th",{title:str(c[1])+"\n"+str(c[2]),class:"cl"},c[0]));});
          add(tr,[h("th",null,"progress"),h("th",null,"flags")]);var th=document.querySelector("#matrix-table thead");th.textContent="";th.appendChild(tr);}
        function link(id){return h("a",{href:"#u-"+id,class:"unit-link","data-unit":id},h("code",null,id));}
        function row(u){var tr=h("tr",{"data-unit":u[0],class:u[3]==null?"none":null});
          tr.appendChild(h("td",{class:"unit"},[link(u[0])," ",tx("span",str(u[1]))]));tr.appendChild(h("td",null,str(u[2])));
          if(u[3]==null){tr.appendChild(h("td",{colspan:2},"not adopted"));D.clauses.forEach(function(){tr.appendChild(h("td",{class:"cell cN",title:"not adopted"},""));});
            add(tr,[h("td",null,"—"),h("td",{class:"num"},u[4])]);return tr;}
          add(tr,[h("td",null,u[10]),h("td",null,[str(u[11]),u[12]>0?" · "+u[12]+" behind":""])]);
          D.clauses.forEach(function(c,i){var k=u[5][i],s=u[6][i],o=u[7][i];
            tr.appendChild(h("td",{class:"cell c"+(k==="-"?"X":k)+(o!=="-"&&o!=="F"&&o!=="R"?" own":""),"data-class":CLASS[k],
              title:"clause "+c[0]+": "+CLASS[k]+" against the directive"+(o!=="-"?"; "+CLASS[o]+" against its basis":"")+"; "+STATUS[s]},(k==="-"?"–":k)+(MARK[s]?" "+MARK[s]:"")));});
          var pct=u[9]?Math.round(100*u[8]/u[9]):0;
          add(tr,[h("td",{class:"num",title:u[8]+" of "+u[9]+" clauses done"},[h("span",{class:"bar"},h("i",{style:"width:"+pct+"%"})),u[8]+"/"+u[9]]),h("td",{class:"num"},u[4])]);return tr;}
        function render(){var tb=document.querySelector("#matrix-table tbody");tb.textContent="";
          if(st.page>=pages())st.page=pages()-1;var from=st.page*st.size,slice=list.slice(from,from+st.size);
          var frag=document.createDocumentFragment();slice.forEach(function(u){frag.appendChild(row(u));});tb.appendChild(frag);
          $("page").textContent=(list.length?from+1:0)+"–"+(from+slice.length)+" of "+list.length+" units";units(slice);}
        function units(slice){var box=$("unit-list");box.textContent="";slice.forEach(function(u){
          var d=h("details",{class:"unit",id:"u-"+u[0],"data-unit":u[0]});
          var sm=h("summary",null,[h("code",null,u[0])," ",tx("span",str(u[1]))," · "+str(u[2])+" · ",
            u[3]==null?"not adopted":(u[13]?u[13]+" clause"+(u[13]>1?"s":"")+" changed from its basis":"its basis kept")," · "+u[4]+" flag"+(u[4]===1?"":"s")]);
          d.appendChild(sm);d.addEventListener("toggle",function(){if(d.open&&!d.dataset.drawn){d.dataset.drawn="1";body(d,u);}});
          if(u[3]!=null&&u[13]>0){d.dataset.drawn="1";body(d,u);d.open=true;}box.appendChild(d);});}
        function pieces(ix,keep){var out=[];D.diffs[ix].forEach(function(p){if(p[0]===0)out.push(tx("span",str(p[1])));else if(p[0]===keep)out.push(tx(keep===1?"del":"ins",str(p[1])));else if(p[0]===3&&keep===2)out.push(tx("div",str(p[1]),{class:"note"}));});return out;}
        function body(d,u){var x=u[3];
          d.appendChild(h("p",null,["Adopted "+u[10]+" from "+str(u[11])+(u[12]>0?"; "+u[12]+" version"+(u[12]>1?"s":"")+" behind the directive":"; on the newest version")+". Side by side with its basis:"]));
          var t=h("table",{class:"diff"},h("thead",null,h("tr",null,[h("th",null,"clause"),h("th",null,"basis"),h("th",null,"this plan"),h("th",null,"class")])));
          var tb=h("tbody");x.rows.forEach(function(r){var b=str(r[6]),p=r[7]==null?null:str(r[7]);
            var left=h("td",null),right=h("td",null);if(r[9]!=null&&str(r[9]))left.appendChild(tx("div",str(r[9]),{class:"note"}));
            if(p==null){add(left,tx("span",b));right.appendChild(h("em",null,"omitted"+(r[3]?" — exemption declared"+(r[4]?" and approved":", not approved"):" — no exemption declared")));}
            else if(r[8]<0){add(left,tx("span",b));add(right,tx("span",p));}
            else{add(left,pieces(r[8],1));add(right,pieces(r[8],2));}
            var cls=h("td",{class:"cls"},[h("span",{class:"tag c"+CODE[r[2]]},r[2]),r[10]&&r[10]!=="id"?" (by "+r[10]+")":"",h("div",{class:"changes"},str(r[5]))]);
            tb.appendChild(h("tr",{"data-class":r[2]},[h("td",{class:"id"},r[1]&&r[1]!==r[0]?r[0]+" → "+r[1]:r[0]),left,right,cls]));});
          x.added.forEach(function(a){tb.appendChild(h("tr",{"data-class":"added"},[h("td",{class:"id"},"+ "+a[0]),h("td"),h("td",null,h("ins",CJK.test(str(a[1]))?{lang:"zh"}:null,str(a[1]))),h("td",{class:"cls"},h("span",{class:"tag cS"},"added"))]));});
          t.appendChild(tb);d.appendChild(t);
          d.appendChild(h("h3",null,"Progress"));d.appendChild(timeline(x));
          if(x.reports.length){var rt=h("table",{class:"small"},h("thead",null,h("tr",null,["clause","status","reported","as of","values","evidence"].map(function(s){return h("th",null,s);}))));
            var rb=h("tbody");x.reports.forEach(function(r){rb.appendChild(h("tr",null,[h("td",null,r[0]),h("td",null,r[1]),h("td",null,r[2]),h("td",null,r[3]||""),h("td",null,str(r[4])),tx("td",str(r[5])||"no evidence",{class:"changes"})]));});
            rt.appendChild(rb);d.appendChild(rt);}
          var fl=flagsOf[u[0]]||[];if(fl.length){d.appendChild(h("h3",null,"Flags"));var ul=h("ul");fl.forEach(function(i){var f=D.flags[i];ul.appendChild(h("li",null,[h("b",null,f[0]),f[2]?" clause "+f[2]:"",f[3]?" finding "+f[3]:"",": "+str(f[4])]));});d.appendChild(ul);}
          if(x.findings.length){d.appendChild(h("h3",null,"Findings"));x.findings.forEach(function(f){var ol=h("ol");f[4].forEach(function(s){ol.appendChild(h("li",null,[s[1]+" "+s[0]+" by "+s[2]+(str(s[3])?": ":""),tx("span",str(s[3]))]));});
            d.appendChild(h("div",{class:"finding"},[h("b",null,f[0])," ("+f[1]+", due "+f[3]+") ",tx("span",str(f[2])),ol]));});}
          d.appendChild(h("h3",null,"History"));var ht=h("table",{class:"small history"},h("thead",null,h("tr",null,["time","actor","action","signature","commit"].map(function(s){return h("th",null,s);}))));
          var hb=h("tbody");x.history.forEach(function(e){hb.appendChild(h("tr",null,[h("td",null,e[0].replace("T"," ").replace("Z","")),h("td",null,e[2]),tx("td",str(e[4])),
            h("td",{class:e[5]==="good"?"sig-good":"sig-bad"},e[5]==="good"?"✓ verified":"✗ "+e[5]),h("td",null,h("code",null,e[1]))]));});
          ht.appendChild(hb);d.appendChild(ht);}
        function timeline(x){var rows=x.deadlines,W=820,L=80,R=20,RH=22,T=24,H=T+rows.length*RH+10;
          var a=day(D.issued),b=day(D.asOf);x.reports.forEach(function(r){a=Math.min(a,day(r[2]),r[3]?day(r[3]):a);});
          rows.forEach(function(r){if(r[1])b=Math.max(b,day(r[1]));});
          var X=function(v){return L+(v-a)/Math.max(1,b-a)*(W-L-R);};
          var g=sv("svg",{class:"tl",viewBox:"0 0 "+W+" "+H,width:W,height:H,role:"img","aria-label":"progress timeline"});
          var d0=new Date(a*864e5);for(var m=new Date(Date.UTC(d0.getUTCFullYear(),d0.getUTCMonth()+1,1));m.getTime()/864e5<=b;m=new Date(Date.UTC(m.getUTCFullYear(),m.getUTCMonth()+1,1))){
            var mx=X(m.getTime()/864e5);g.appendChild(sv("line",{x1:mx,y1:T-6,x2:mx,y2:H-6,class:"grid"}));
            g.appendChild(sv("text",{x:mx+2,y:T-10,class:"axis"},m.getUTCMonth()===0?String(m.getUTCFullYear()):String(m.getUTCMonth()+1).padStart(2,"0")));}
          var ax=X(day(D.asOf));g.appendChild(sv("line",{x1:ax,y1:T-6,x2:ax,y2:H-6,class:"base"},sv("title",null,"as of "+D.asOf)));
          rows.forEach(function(r,i){var y=T+i*RH+RH/2;g.appendChild(sv("text",{x:4,y:y+4},r[0]));g.appendChild(sv("line",{x1:L,y1:y,x2:W-R,y2:y,class:"grid"}));
            if(r[1]){var dx=X(day(r[1]));g.appendChild(sv("line",{x1:dx,y1:y-8,x2:dx,y2:y+8,class:"deadline"},sv("title",null,"clause "+r[0]+" deadline "+r[1])));}
            x.reports.filter(function(p){return p[0]===r[0];}).forEach(function(p){var px=X(day(p[2]));
              if(p[3]&&p[3]!==p[2]){var qx=X(day(p[3]));g.appendChild(sv("line",{x1:qx,y1:y,x2:px,y2:y,class:"late"}));g.appendChild(sv("circle",{cx:qx,cy:y,r:4,class:"asof"},sv("title",null,"claimed true on "+p[3])));}
              g.appendChild(sv("circle",{cx:px,cy:y,r:5,class:p[1]},sv("title",null,"clause "+p[0]+" "+p[1]+" reported "+p[2]+(str(p[4])?" ("+str(p[4])+")":""))));});});
          return g;}
        var fst={kind:"",page:0,size:100};
        function flags(){var sel=byKind.filter(function(f){return !fst.kind||f[0]===fst.kind;}),n=Math.max(1,Math.ceil(sel.length/fst.size));if(fst.page>=n)fst.page=n-1;
          var tb=document.querySelector("#flags-table tbody");tb.textContent="";var from=fst.page*fst.size;
          sel.slice(from,from+fst.size).forEach(function(f){tb.appendChild(h("tr",{"data-kind":f[0]},[h("td",null,f[0]),h("td",null,link(f[1])),h("td",null,f[2]||""),h("td",null,f[3]||""),
            h("td",null,h("details",null,[h("summary",null,str(f[4])||"details"),h("pre",null,str(f[5]))]))]));});
          $("fpage").textContent=(sel.length?from+1:0)+"–"+Math.min(sel.length,from+fst.size)+" of "+sel.length+" flags";}
        function go(id){var i=list.findIndex(function(u){return u[0]===id;});if(i<0){st.q="";st.level="";st.show="";$("q").value="";$("level").value="";$("show").value="";filter();i=list.findIndex(function(u){return u[0]===id;});}
          if(i<0)return;st.page=Math.floor(i/st.size);render();var d=$("u-"+id);if(d){d.open=true;d.scrollIntoView();}}
        document.addEventListener("click",function(e){var a=e.target.closest&&e.target.closest("a.unit-link");if(a){e.preventDefault();history.replaceState(null,"","#u-"+a.dataset.unit);go(a.dataset.unit||a.getAttribute("href").slice(3));}});
        function on(id,ev,f){$(id).addEventListener(ev,f);}
        on("q","input",function(){st.q=this.value;st.page=0;filter();render();});
        on("level","change",function(){st.level=this.value;st.page=0;filter();render();});
        on("show","change",function(){st.show=this.value;st.page=0;filter();render();});
        on("size","change",function(){st.size=+this.value;st.page=0;render();});
        on("prev","click",function(){if(st.page>0){st.page--;render();}});on("next","click",function(){if(st.page<pages()-1){st.page++;render();}});
        on("flag-kind","change",function(){fst.kind=this.value;fst.page=0;flags();});
        on("fprev","click",function(){if(fst.page>0){fst.page--;flags();}});on("fnext","click",function(){fst.page++;flags();});
        document.querySelectorAll("#flag-counts tr[data-kind]").forEach(function(tr){tr.style.cursor="pointer";tr.addEventListener("click",function(){fst.kind=tr.dataset.kind;$("flag-kind").value=fst.kind;fst.page=0;flags();$("flags").scrollIntoView();});});
        var saved=null;window.addEventListener("beforeprint",function(){if(list.length<=2000){saved=[st.size,st.page,fst.size];st.size=Math.max(list.length,1);st.page=0;fst.size=Math.max(D.flags.length,1);render();flags();}
          document.querySelectorAll("details").forEach(function(d){d.open=true;});});
        window.addEventListener("afterprint",function(){if(saved){st.size=saved[0];st.page=saved[1];fst.size=saved[2];saved=null;render();flags();}});
        head();filter();render();flags();document.documentElement.dataset.ready="1";
        if(location.hash.indexOf("#u-")===0)go(decodeURIComponent(location.hash.slice(3)));
        })();
        """#)

    /// The matrix's controls, which the script binds to by id: the search box, the filters, the page size and the pager.
    static let matrixControls = HTML.raw("""
        <div class="controls" role="search">
        <label>Unit <input id="q" type="search" placeholder="id or name"></label>
        <label>Level <select id="level"><option value="">all</option></select></label>
        <label>Show <select id="show"><option value="">all units</option><option value="dev">deviating plans</option><option value="own">units that changed their basis</option><option value="flag">flagged units</option><option value="none">not adopted</option></select></label>
        <label>Rows <select id="size"><option>25</option><option selected>50</option><option>200</option></select></label>
        <span class="pager"><button id="prev" type="button">◀</button> <span id="page"></span> <button id="next" type="button">▶</button></span>
        </div>
        """)

    /// The flags' controls: the kind filter and the pager.
    static let flagControls = HTML.raw("""
        <div class="controls"><label>Kind <select id="flag-kind"><option value="">all kinds</option></select></label>
        <span class="pager"><button id="fprev" type="button">◀</button> <span id="fpage"></span> <button id="fnext" type="button">▶</button></span></div>
        """)
}
