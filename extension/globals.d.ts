// The globals our plain scripts share (each file defines one; see its header).
declare var JDPG: any;
declare var JdpgRender: any;
declare var JdpgExtract: any;
declare var jdpgStats: any;
declare var __jdpgContentStarted: boolean;
declare function importScripts(...urls: string[]): void;
