// The globals our plain scripts share (each file defines one; see its header).
declare var JDPG: any;
declare var JDPG_VOCAB: any;
declare var JdpgMoney: any;
declare var JdpgMessages: any;
declare var JdpgDuration: any;
declare var JdpgTriage: any;
declare var JdpgSpecs: any;
declare var JdpgTooltip: any;
declare var JdpgRender: any;
declare var JdpgSummary: any;
declare var JdpgExtract: any;
declare var jdpgStats: any;
declare var jdpgRoute: any;
declare var jdpgSyncWatched: any;
declare var __jdpgContentStarted: boolean;
